import type { ServerContext } from "../../context.js";
import { pageReply, paginate } from "../../http/pagination.js";
import { apiError, json, type ApiRequest, type Reply, type Route } from "../../http/types.js";
import type { PullRequest, Repo } from "../../org/model.js";
import { isReply, positiveInt, repoFor, timeParam } from "../access.js";
import { commit } from "../commits.js";
import { pullRequest, pullRequestReview, pullRequestReviewComment, pullRequestSimple } from "../pulls.js";

/** GitHub lists at most 250 commits of a pull request, whatever the pagination. */
export const PULL_COMMITS_CAP = 250;

export function pullRoutes(context: ServerContext): Route[] {
  const withPull = (handler: (request: ApiRequest, repo: Repo, pull: PullRequest) => Reply) => (request: ApiRequest) => {
    const repo = repoFor(context, request, "pull_requests");
    if (isReply(repo)) return repo;
    const number = positiveInt(request.params.pull_number);
    const pull = number === null ? undefined : context.generated.pull(repo, number);
    return pull ? handler(request, repo, pull) : apiError(404, "Not Found");
  };
  return [
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/pulls",
      auth: "token",
      resource: "core",
      handle(request) {
        const repo = repoFor(context, request, "pull_requests");
        if (isReply(repo)) return repo;
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
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/pulls/{pull_number}",
      auth: "token",
      resource: "core",
      handle: withPull((_, __, pull) => json(pullRequest(context, pull))),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      auth: "token",
      resource: "core",
      handle: withPull((request, _, pull) => {
        const page = paginate(request, context.generated.reviews(pull), context.urls.web);
        return pageReply({ ...page, items: page.items.map((review) => pullRequestReview(context, pull, review)) });
      }),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
      auth: "token",
      resource: "core",
      handle: withPull((request, repo, pull) => {
        const page = paginate(request, context.generated.commits(pull).slice(0, PULL_COMMITS_CAP), context.urls.web);
        return pageReply({ ...page, items: page.items.map((c) => commit(context, repo, c, false)) });
      }),
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
      auth: "token",
      resource: "core",
      handle: withPull((request, _, pull) => {
        const since = timeParam(request, "since");
        if (since === null) return apiError(422, "Invalid since");
        const comments = context.generated.reviewComments(pull).filter((c) => since === undefined || c.updatedAt >= since);
        const ordered = request.query.get("direction") === "desc" ? comments.toReversed() : comments;
        const page = paginate(request, ordered, context.urls.web);
        return pageReply({ ...page, items: page.items.map((c) => pullRequestReviewComment(context, pull, c)) });
      }),
    },
  ];
}
