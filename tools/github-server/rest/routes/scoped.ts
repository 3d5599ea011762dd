import type { ServerContext } from "../../context.js";
import type { ApiRequest, Reply, Route } from "../../http/types.js";
import type { Repo } from "../../org/model.js";
import { isReply, orgFor, repoFor, type RepoPermission } from "../access.js";

/** A `GET` under a repository, for installation and user tokens (core limit): answered only when the caller may read the repository with `permission`. */
export function repoRoute(context: ServerContext, template: string, permission: RepoPermission, handle: (request: ApiRequest, repo: Repo) => Reply): Route {
  return {
    method: "GET",
    template,
    auth: "token",
    resource: "core",
    handle(request) {
      const repo = repoFor(context, request, permission);
      return isReply(repo) ? repo : handle(request, repo);
    },
  };
}

/** A `GET` under the organization, for installation and user tokens (core limit): answered only when the caller may list its members. */
export function orgRoute(context: ServerContext, template: string, handle: (request: ApiRequest) => Reply): Route {
  return {
    method: "GET",
    template,
    auth: "token",
    resource: "core",
    handle: (request) => orgFor(context, request) ?? handle(request),
  };
}
