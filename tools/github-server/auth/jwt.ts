import { createPublicKey, createVerify, type KeyObject } from "node:crypto";

export interface JwtPolicy {
  appId: number;
  clientId: string;
  /** With a key, signatures are verified (RS256); without, any well-formed JWT for the app is accepted. */
  publicKey?: KeyObject;
}

export type JwtCheck = { ok: true } | { ok: false; message: string };

/** Messages are GitHub's own, so clients that match on them behave as they would against GitHub. */
const UNDECODABLE = "A JSON web token could not be decoded";

/** Validates an App JWT the way GitHub does: RS256, `iss` the app id or client id, `iat` past, `exp` within 10 minutes. */
export function checkAppJwt(token: string, policy: JwtPolicy, nowMs: number): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, message: UNDECODABLE };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: unknown };
  let payload: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerPart, "base64url").toString());
    payload = JSON.parse(Buffer.from(payloadPart, "base64url").toString());
  } catch {
    return { ok: false, message: UNDECODABLE };
  }
  if (header.alg !== "RS256") return { ok: false, message: UNDECODABLE };
  if (policy.publicKey) {
    const verifier = createVerify("RSA-SHA256").update(`${headerPart}.${payloadPart}`);
    if (!verifier.verify(policy.publicKey, Buffer.from(signaturePart, "base64url"))) {
      return { ok: false, message: UNDECODABLE };
    }
  }
  if (String(payload.iss) !== String(policy.appId) && payload.iss !== policy.clientId) {
    return { ok: false, message: `Integration not found` };
  }
  const now = Math.floor(nowMs / 1000);
  if (typeof payload.iat !== "number" || !Number.isInteger(payload.iat) || payload.iat > now + 60) {
    return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued." };
  }
  if (typeof payload.exp !== "number" || payload.exp <= now) {
    return {
      ok: false,
      message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    };
  }
  if (payload.exp > now + 600 + 60) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future." };
  return { ok: true };
}

/** Accepts a PEM private or public key and keeps only its public half. */
export function publicKeyFrom(pem: string): KeyObject {
  return createPublicKey(pem);
}
