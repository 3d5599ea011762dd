import type { ServerContext } from "../../context.js";
import { pageReply, paginate } from "../../http/pagination.js";
import { apiError, json, type ApiRequest, type Reply, type Route } from "../../http/types.js";
import type { PullRequest, Repo } from "../../org/model.js";
import { positiveInt, timeParam } from "../access.js";
import { commit } from "../commits.js";
import { pullRequest, pullRequestReview, pullRequestReviewComment, pullRequestSimple } from "../pulls.js";
import { repoRoute } from "./scoped.js";

/** GitHub lists at most 250 commits of a pull request, whatever the pagination. */
export const PULL_COMMITS_CAP = 250;

export function pullRoutes(context: ServerContext): Route[] {
  /** A route under the pull request `{pull_number}` names (404 when there is none). */
  const pullRoute = (template: string, handler: (request: ApiRequest, repo: Repo, pull: PullRequest) => Reply) =>
    repoRoute(context, template, "pull_requests", (request, repo) => {
      const number = positiveInt(request.params.pull_number);
      const pull = number === null ? undefined : context.generated.pull(repo, number);
      return pull ? handler(request, repo, pull) : apiError(404, "Not Found");
    });
  return [
    repoRoute(context, "/repos/{owner}/{repo}/pulls", "pull_requests", (request, repo) => {
      const state = request.query.get("state") ?? "open";
      const sort = request.query.get("sort") ?? "created";
      const direction = request.query.get("direction") ?? (sort === "created" ? "desc" : "asc");
      const base = request.query.get("base");
      const pulls = context.generated
        .pulls(repo)
        .filter((p) => state === "all" || (state === "open") === (p.closedAt === null))
        .filter((p) => !base || p.baseRef === base);
      const key = (p: PullRequest) => (sort === "updated" ? p.updatedAt : sort === "popularity" ? p.shape.comments : p.createdAt);
      const sorted = pulls.toSorted((a, b) => (direction === "asc" ? 1 : -1) * (key(a) - key(b) || a.number - b.number));
      const page = paginate(request, sorted, context.urls.web);
      return pageReply({ ...page, items: page.items.map((p) => pullRequestSimple(context, p)) });
    }),
    pullRoute("/repos/{owner}/{repo}/pulls/{pull_number}", (_, __, pull) => json(pullRequest(context, pull))),
    pullRoute("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", (request, _, pull) => {
      const page = paginate(request, context.generated.reviews(pull), context.urls.web);
      return pageReply({ ...page, items: page.items.map((review) => pullRequestReview(context, pull, review)) });
    }),
    pullRoute("/repos/{owner}/{repo}/pulls/{pull_number}/commits", (request, repo, pull) => {
      const page = paginate(request, context.generated.commits(pull).slice(0, PULL_COMMITS_CAP), context.urls.web);
      return pageReply({ ...page, items: page.items.map((c) => commit(context, repo, c, false)) });
    }),
    pullRoute("/repos/{owner}/{repo}/pulls/{pull_number}/comments", (request, _, pull) => {
      const since = timeParam(request, "since");
      if (since === null) return apiError(422, "Invalid since");
      const comments = context.generated.reviewComments(pull).filter((c) => since === undefined || c.updatedAt >= since);
      const ordered = request.query.get("direction") === "desc" ? comments.toReversed() : comments;
      const page = paginate(request, ordered, context.urls.web);
      return pageReply({ ...page, items: page.items.map((c) => pullRequestReviewComment(context, pull, c)) });
    }),
  ];
}
