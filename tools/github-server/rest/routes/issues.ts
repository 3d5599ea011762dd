import type { ServerContext } from "../../context.js";
import { pageReply, paginate } from "../../http/pagination.js";
import { apiError, json, type ApiRequest, type Reply, type Route } from "../../http/types.js";
import type { Issue, NumberedItem, PullRequest } from "../../org/model.js";
import { positiveInt, timeParam } from "../access.js";
import { issue, issueComment } from "../issues.js";
import { repoRoute } from "./scoped.js";

export function issueRoutes(context: ServerContext): Route[] {
  /** A route under the issue (or pull request, or transferred issue) `{issue_number}` names: 404 when there is none, 410 when it was deleted. */
  const issueRoute = (template: string, handler: (request: ApiRequest, item: Exclude<NumberedItem, { kind: "deleted" }>) => Reply) =>
    repoRoute(context, template, "issues", (request, repo) => {
      const number = positiveInt(request.params.issue_number);
      const item = number === null ? undefined : context.generated.item(repo, number);
      if (!item) return apiError(404, "Not Found");
      if (item.kind === "deleted") return apiError(410, "This issue was deleted");
      return handler(request, item);
    });
  return [
    repoRoute(context, "/repos/{owner}/{repo}/issues", "issues", (request, repo) => {
      const state = request.query.get("state") ?? "open";
      const sort = request.query.get("sort") ?? "created";
      const direction = request.query.get("direction") ?? "desc";
      const since = timeParam(request, "since");
      if (since === null) return apiError(422, "Invalid since");
      const labels = request.query.get("labels")?.split(",").filter(Boolean) ?? [];
      const items = context.generated
        .content(repo)
        .items.filter((item): item is Issue | PullRequest => item.kind === "issue" || item.kind === "pull")
        .filter((item) => state === "all" || (state === "open") === (item.closedAt === null))
        .filter((item) => since === undefined || item.updatedAt >= since)
        .filter((item) => labels.every((name) => item.labels.includes(name)));
      const key = (item: Issue | PullRequest) =>
        sort === "updated" ? item.updatedAt : sort === "comments" ? (item.kind === "pull" ? item.shape.comments : item.commentCount) : item.createdAt;
      const sorted = items.toSorted((a, b) => (direction === "asc" ? 1 : -1) * (key(a) - key(b) || a.number - b.number));
      const page = paginate(request, sorted, context.urls.web);
      return pageReply({ ...page, items: page.items.map((item) => issue(context, item)) });
    }),
    issueRoute("/repos/{owner}/{repo}/issues/{issue_number}", (_, item) => {
      if (item.kind === "transferred") {
        const location = `${context.urls.api}/repos/${item.transferredTo.fullName}/issues/${item.transferredTo.number}`;
        return { status: 301, body: { message: "Moved Permanently", url: location }, headers: { location } };
      }
      return json(issue(context, item));
    }),
    issueRoute("/repos/{owner}/{repo}/issues/{issue_number}/comments", (request, item) => {
      if (item.kind === "transferred") return apiError(404, "Not Found");
      const since = timeParam(request, "since");
      if (since === null) return apiError(422, "Invalid since");
      const comments = context.generated.comments(item).filter((c) => since === undefined || c.updatedAt >= since);
      const page = paginate(request, comments, context.urls.web);
      return pageReply({ ...page, items: page.items.map((c) => issueComment(context, item, c)) });
    }),
  ];
}
