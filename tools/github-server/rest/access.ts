import type { ServerContext } from "../context.js";
import { apiError, type ApiRequest, type Reply } from "../http/types.js";
import { canAccess, installationById, installationOf } from "../installation.js";
import type { Repo } from "../org/model.js";

export type RepoPermission = "metadata" | "contents" | "pull_requests" | "issues";

const NOT_ACCESSIBLE = "Resource not accessible by integration";

/**
 * The repository a request names, if the caller may read it with the given permission. GitHub answers 404 for
 * repositories outside the installation (it does not reveal they exist), 403 for a missing permission, and 301
 * for a repository's old name.
 */
export function repoFor(context: ServerContext, request: ApiRequest, permission: RepoPermission): Repo | Reply {
  const found = context.generated.findRepo(request.params.owner ?? "", request.params.repo ?? "");
  if (!found) return apiError(404, "Not Found");
  const { repo, renamed } = found;
  const denied = accessDenied(context, request, repo, permission);
  if (denied) return denied;
  if (renamed) {
    const rest = request.url.pathname.split("/").slice(6).join("/");
    const location = `${context.urls.api}/repositories/${repo.id}${rest ? `/${rest}` : ""}${request.url.search}`;
    return { status: 301, body: { message: "Moved Permanently", url: location, documentation_url: "https://docs.github.com/rest" }, headers: { location } };
  }
  return repo;
}

function accessDenied(context: ServerContext, request: ApiRequest, repo: Repo, permission: RepoPermission): Reply | null {
  const { identity } = request;
  if (!identity || identity.kind === "app") return apiError(403, NOT_ACCESSIBLE);
  const installation = identity.kind === "installation" ? installationById(context.installations, identity.installationId) : installationOf(context.installations, repo);
  if (!installation || !canAccess(installation, repo)) return apiError(404, "Not Found");
  if (identity.kind === "installation") {
    if (identity.repositoryIds && !identity.repositoryIds.has(repo.id)) return apiError(404, "Not Found");
    if (!hasPermission(identity.permissions, permission)) return apiError(403, NOT_ACCESSIBLE);
  } else {
    // A user-to-server token sees what both the user and the installation can see.
    if (!context.generated.member(identity.person.login)) return apiError(404, "Not Found");
    if (!hasPermission(installation.permissions, permission)) return apiError(403, NOT_ACCESSIBLE);
  }
  return null;
}

export function hasPermission(permissions: Record<string, string>, permission: string): boolean {
  return permission === "metadata" || permissions[permission] !== undefined;
}

/** The organization a request names, if the caller may list its members. */
export function orgFor(context: ServerContext, request: ApiRequest): Reply | null {
  if (request.params.org?.toLowerCase() !== context.generated.org.login.toLowerCase()) return apiError(404, "Not Found");
  const { identity } = request;
  if (identity?.kind === "installation" && !hasPermission(identity.permissions, "members")) return apiError(403, NOT_ACCESSIBLE);
  if (identity?.kind === "user" && !context.generated.member(identity.person.login)) return apiError(404, "Not Found");
  return null;
}

export const isReply = (value: unknown): value is Reply =>
  typeof value === "object" && value !== null && "status" in value && typeof (value as Reply).status === "number";

export function positiveInt(value: string | undefined): number | null {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : null;
}

/** `since`/`until` query values; undefined when absent, null when malformed. */
export function timeParam(request: ApiRequest, name: string): number | undefined | null {
  const value = request.query.get(name);
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
