import { generateKeyPairSync } from "node:crypto";

/**
 * A fresh key pair for the app, as GitHub hands one out when an app is registered: the app signs its JWTs with
 * the private key, the local GitHub server verifies them with the public one.
 */
export function generateAppKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}
