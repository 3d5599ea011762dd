import { generateKeyPairSync, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { expect } from "vitest";

const random = (bytes: number, encoding: BufferEncoding = "base64url") => randomBytes(bytes).toString(encoding);
const alphanumeric = (length: number) => random(length * 2, "base64").replace(/[^A-Za-z0-9]/g, "").slice(0, length);
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Fresh secrets of every kind the app handles, shaped as the real ones are. */
export function makeSecrets() {
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return {
    apiToken: `trb_${random(32)}`,
    sessionCookie: `${random(32)}.${random(32)}`,
    installationToken: `ghs_${alphanumeric(36)}`,
    userToken: `ghu_${alphanumeric(36)}`,
    oauthToken: `gho_${alphanumeric(36)}`,
    personalToken: `ghp_${alphanumeric(36)}`,
    refreshToken: `ghr_${alphanumeric(76)}`,
    fineGrainedToken: `github_pat_${alphanumeric(22)}_${alphanumeric(59)}`,
    classicToken: random(20, "hex"),
    signature256: random(32, "hex"),
    signature1: random(20, "hex"),
    oauthCode: random(10, "hex"),
    oauthState: random(32),
    clientSecret: random(20, "hex"),
    webhookSecret: `webhook-${random(12)}`,
    databasePassword: `pw${random(12)}`,
    jwt: `${base64url({ alg: "RS256", typ: "JWT" })}.${base64url({ iat: 1_700_000_000, exp: 1_700_000_600, iss: "12345" })}.${random(128)}`,
    privateKey,
  };
}

export type Secrets = ReturnType<typeof makeSecrets>;

/**
 * What must not appear: each secret, without the prefixes a redacted line may keep (`ghs_`, `trb_`), and each line of
 * the private key's body.
 */
function secretParts(secrets: Secrets): string[] {
  const { privateKey, ...rest } = secrets;
  const keyLines = privateKey.split("\n").filter((line) => line && !line.startsWith("-----"));
  return [...Object.values(rest).map((secret) => secret.replace(/^(gh[pousr]_|github_pat_|trb_)/, "")), ...keyLines];
}

export function expectNoSecret(output: string, secrets: Secrets): void {
  for (const part of secretParts(secrets)) expect(output, "a secret in the log").not.toContain(part);
}

/** A stream that keeps what is written to it, as a logger's destination. */
export function captureStream() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}
