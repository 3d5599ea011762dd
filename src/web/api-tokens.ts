import type { ApiTokenScope } from "../storage/models/api-token.js";
import { createApiToken, findApiToken, listApiTokens, markApiTokenUsed } from "../storage/api-tokens.js";
import { hashToken, randomToken } from "./crypto.js";
import { HttpError } from "./http-error.js";
import type { GitHubUser } from "./user-github.js";

// Recognizable in logs and by secret scanners.
const API_TOKEN_PREFIX = "trb_";
const DAY_MS = 24 * 60 * 60 * 1000;
/** How fresh "last used" is kept: finer would cost a database write on every request of a busy script. */
const LAST_USED_PRECISION_MS = 60 * 1000;

/** Creates an API token for a person, lasting `expiresInDays` (null: until deleted), with its scope; only its hash is kept. */
export async function issueApiToken(user: GitHubUser, { name, expiresInDays, scope }: { name: string; expiresInDays: number | null; scope: ApiTokenScope }, now = new Date()) {
  const token = `${API_TOKEN_PREFIX}${randomToken()}`;
  const record = await createApiToken({
    userId: user.id,
    login: user.login,
    name,
    tokenHash: hashToken(token),
    prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
    createdAt: now,
    expiresAt: expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * DAY_MS),
    scope,
  });
  return { token, record: publicFields(record) };
}

/** Who an API token belongs to, recording its use; a 401 saying why for an unknown or expired token. */
export async function apiTokenOwner(token: string, now = new Date()): Promise<{ id: number; login: string; scope: ApiTokenScope }> {
  const record = token.startsWith(API_TOKEN_PREFIX) ? await findApiToken(hashToken(token)) : null;
  if (!record) throw new HttpError(401, "This API token is not valid: it was deleted, or is mistyped. Create a new one under API tokens in the web UI.");
  if (record.expiresAt && record.expiresAt <= now) {
    throw new HttpError(401, `This API token expired on ${utc(record.expiresAt)}. Create a new one under API tokens in the web UI.`);
  }
  const staleBefore = new Date(now.getTime() - LAST_USED_PRECISION_MS);
  if (!record.lastUsedAt || record.lastUsedAt < staleBefore) await markApiTokenUsed(record._id, now, staleBefore);
  return { id: record.userId, login: record.login, scope: record.scope ?? "full" };
}

/** A person's tokens as the page and the API show them: never the token or its hash. */
export async function tokensOf(userId: number) {
  return (await listApiTokens(userId)).map(publicFields);
}

export type ApiTokenRow = ReturnType<typeof publicFields>;

function publicFields({ _id, name, prefix, createdAt, lastUsedAt, expiresAt, scope }: Awaited<ReturnType<typeof listApiTokens>>[number]) {
  return { id: String(_id), name, prefix, createdAt, lastUsedAt: lastUsedAt ?? null, expiresAt: expiresAt ?? null, scope: scope ?? "full" };
}

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
