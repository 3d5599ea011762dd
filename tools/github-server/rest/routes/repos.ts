import type { ServerContext } from "../../context.js";
import { pageReply, paginate } from "../../http/pagination.js";
import { apiError, json, type Route } from "../../http/types.js";
import { canAccess, installationById, installationOf } from "../../installation.js";
import type { Repo } from "../../org/model.js";
import { timeParam } from "../access.js";
import { commit } from "../commits.js";
import { fullRepository, repository } from "../repositories.js";
import { repoRoute } from "./scoped.js";

const REPO_TYPES = ["all", "public", "private", "forks", "sources", "member"] as const;
const REPO_SORTS = { created: (r: Repo) => r.createdAt, updated: (r: Repo) => r.updatedAt, pushed: (r: Repo) => r.pushedAt, full_name: (r: Repo) => r.name.toLowerCase() } as const;

export function repositoryRoutes(context: ServerContext): Route[] {
  return [
    {
      // GitHub's "List organization repositories": its public repositories and the private ones the caller can see.
      method: "GET",
      template: "/orgs/{org}/repos",
      auth: "token",
      resource: "core",
      handle(request) {
        const { generated } = context;
        if (request.params.org?.toLowerCase() !== generated.org.login.toLowerCase()) return apiError(404, "Not Found");
        const type = request.query.get("type") ?? "all";
        const sort = request.query.get("sort") ?? "created";
        const direction = request.query.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
        if (!(REPO_TYPES as readonly string[]).includes(type) || !(sort in REPO_SORTS) || (direction !== "asc" && direction !== "desc")) {
          return apiError(422, "Validation Failed");
        }
        const { identity } = request;
        const caller = identity?.kind === "installation" ? installationById(context.installations, identity.installationId) : undefined;
        const seesPrivate = (repo: Repo) =>
          identity?.kind === "installation"
            ? caller !== undefined && canAccess(caller, repo) && (!identity.repositoryIds || identity.repositoryIds.has(repo.id))
            : identity?.kind === "user" && installationOf(context.installations, repo) !== undefined && generated.member(identity.person.login) !== undefined;
        const key = REPO_SORTS[sort as keyof typeof REPO_SORTS];
        const sign = direction === "asc" ? 1 : -1;
        const repos = generated.org.repos
          .filter((repo) => !repo.isPrivate || seesPrivate(repo))
          .filter((repo) => (type === "public" ? !repo.isPrivate : type === "private" ? repo.isPrivate : type === "forks" ? repo.isFork : type === "sources" ? !repo.isFork : true))
          .toSorted((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
        const page = paginate(request, repos, context.urls.web);
        return pageReply({ ...page, items: page.items.map((repo) => repository(context.urls, generated, repo)) });
      },
    },
    repoRoute(context, "/repos/{owner}/{repo}/branches", "metadata", (request, repo) => {
      // The default branch and the head branches of open pull requests (merged and closed ones were deleted), by name.
      const wanted = request.query.get("protected");
      const fullName = `${context.generated.org.login}/${repo.name}`;
      const head = context.generated.branch(repo).at(-1)!;
      const branches = [
        { name: repo.defaultBranch, sha: head.sha, protected: true },
        ...context.generated
          .pulls(repo)
          .filter((pull) => pull.closedAt === null)
          .map((pull) => ({ name: pull.headRef, sha: context.generated.commits(pull).at(-1)?.sha ?? head.sha, protected: false })),
      ]
        .filter((branch) => wanted === null || String(branch.protected) === wanted)
        .toSorted((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const page = paginate(request, branches, context.urls.web);
      return pageReply({
        ...page,
        items: page.items.map((branch) => ({
          name: branch.name,
          commit: { sha: branch.sha, url: `${context.urls.api}/repos/${fullName}/commits/${branch.sha}` },
          protected: branch.protected,
          ...(branch.protected && { protection_url: `${context.urls.api}/repos/${fullName}/branches/${encodeURIComponent(branch.name)}/protection` }),
        })),
      });
    }),
    repoRoute(context, "/repos/{owner}/{repo}", "metadata", (_, repo) => json(fullRepository(context.urls, context.generated, repo))),
    repoRoute(context, "/repos/{owner}/{repo}/commits", "contents", (request, repo) => {
      const since = timeParam(request, "since");
      const until = timeParam(request, "until");
      if (since === null || until === null) return apiError(422, "Invalid date: since and until must be ISO 8601 timestamps");
      const history = context.generated.history(repo, request.query.get("sha") ?? repo.defaultBranch);
      if (!history) return apiError(404, "Not Found");
      const inRange = history.filter((c) => (since === undefined || c.committedAt >= since) && (until === undefined || c.committedAt <= until));
      const page = paginate(request, inRange, context.urls.web);
      return pageReply({ ...page, items: page.items.map((c) => commit(context, repo, c, false)) });
    }),
    repoRoute(context, "/repos/{owner}/{repo}/commits/{ref}", "contents", (request, repo) => {
      const ref = request.params.ref!;
      const found = ref === repo.defaultBranch ? context.generated.branch(repo).at(-1) : context.generated.commit(repo, ref);
      return found ? json(commit(context, repo, found, true)) : apiError(422, `No commit found for SHA: ${ref}`);
    }),
  ];
}
