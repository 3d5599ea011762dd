import { gitHubTime } from "./installation.js";

/** Small conversions shared by the mappings from GitHub payloads to stored records. */

type Account = { id: number; login: string } | null | undefined;

/** A user reference by id (logins change); the login is kept for display. */
export function userRef(user: Account): { id: number; login: string } | null {
  return user ? { id: user.id, login: user.login } : null;
}

function isUser(account: unknown): account is { id: number; login: string } {
  return typeof account === "object" && account !== null && "login" in account && typeof account.login === "string";
}

/** Users among a list that may also hold teams (requested reviewers): teams have no user id to resolve. */
export function userRefs(accounts: ReadonlyArray<unknown>): Array<{ id: number; login: string }> {
  return accounts.filter(isUser).map((user) => ({ id: user.id, login: user.login }));
}

/** Label names; webhook types allow odd entries (empty objects) that carry none. */
export function labelNames(labels: ReadonlyArray<unknown> | undefined): string[] {
  return (labels ?? []).flatMap((label) =>
    typeof label === "object" && label !== null && "name" in label && typeof label.name === "string" ? [label.name] : [],
  );
}

/** A time GitHub may leave out (closed_at of an open issue): null, not "now" as `gitHubTime` falls back to. */
export function optionalTime(value: string | number | null | undefined): Date | null {
  return value === null || value === undefined ? null : gitHubTime(value);
}

/** Where a webhook's data belongs: the installation that received it and the repository it is about. */
export type RepositoryScope = { installationId: number; repositoryId: number };
