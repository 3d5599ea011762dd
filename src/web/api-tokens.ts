import { createApiToken, listApiTokens, useApiToken } from "../storage/api-tokens.js";
import { hashToken, randomToken } from "./crypto.js";
import type { GitHubUser } from "./user-github.js";

// Recognizable in logs and by secret scanners.
const API_TOKEN_PREFIX = "trb_";

/** Creates an API token for a person; the token itself is shown once and only its hash is kept. */
export async function issueApiToken(user: GitHubUser, name: string) {
  const token = `${API_TOKEN_PREFIX}${randomToken()}`;
  const record = await createApiToken({
    userId: user.id,
    login: user.login,
    name,
    tokenHash: hashToken(token),
    prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
    createdAt: new Date(),
  });
  return { token, record };
}

/** Who an API token belongs to, or null for an unknown token; marks it used. */
export async function apiTokenOwner(token: string): Promise<{ id: number; login: string } | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const record = await useApiToken(hashToken(token));
  return record && { id: record.userId, login: record.login };
}

/** A person's tokens as the page and the API show them: never the token or its hash. */
export async function tokensOf(userId: number) {
  const tokens = await listApiTokens(userId);
  return tokens.map(({ _id, name, prefix, createdAt, lastUsedAt }) => ({ id: String(_id), name, prefix, createdAt, lastUsedAt: lastUsedAt ?? null }));
}
