import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** An unguessable token, URL- and cookie-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Tokens are stored as hashes: a database leak must not hand out working sessions or API tokens. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function key(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "tributary", purpose, 32));
}

function mac(value: string, secret: string): string {
  return createHmac("sha256", key(secret, "cookie")).update(value).digest("base64url");
}

export function sign(value: string, secret: string): string {
  return `${value}.${mac(value, secret)}`;
}

/** The signed value, or null when the signature does not match (tampered or signed with another secret). */
export function unsign(signed: string, secret: string): string | null {
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  return safeEqual(signed.slice(dot + 1), mac(value, secret)) ? value : null;
}

/** `purpose` keeps each use's key apart: one use's ciphertext does not decrypt as another's. */
export function encrypt(plain: string, secret: string, purpose = "user-token"): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(secret, purpose), iv);
  const encrypted = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), encrypted].map((part) => part.toString("base64url")).join(".");
}

/** The plain text, or null when it was encrypted with another secret (SESSION_SECRET changed). */
export function decrypt(sealed: string, secret: string, purpose = "user-token"): string | null {
  const [iv, tag, encrypted] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !tag || !encrypted) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(secret, purpose), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(encrypted), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
