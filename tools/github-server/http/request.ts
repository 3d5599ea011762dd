import type { IncomingMessage } from "node:http";

/** Reads a request body: JSON (what Octokit sends) or form-encoded (what OAuth clients may send). */
export async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  const type = request.headers["content-type"] ?? "";
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}

/** The credential in an Authorization header (`Bearer x`, `token x`). */
export function credentialOf(header: string | undefined): string | null {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? "");
  return match ? match[1]! : null;
}

export function looksLikeJwt(credential: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(credential);
}
