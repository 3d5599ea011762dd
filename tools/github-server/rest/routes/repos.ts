import type { ServerContext } from "../../context.js";
import { pageReply, paginate } from "../../http/pagination.js";
import { apiError, json, type Route } from "../../http/types.js";
import { timeParam } from "../access.js";
import { commit } from "../commits.js";
import { fullRepository } from "../repositories.js";
import { repoRoute } from "./scoped.js";

export function repositoryRoutes(context: ServerContext): Route[] {
  return [
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
