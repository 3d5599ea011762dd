import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import type { RepositoryScope } from "../domain/github-values.js";
import { pullRequestView, reviewRecord } from "../domain/pull-request-records.js";
import { savePullRequests } from "../storage/pull-requests.js";
import { saveReviews } from "../storage/reviews.js";
import { whenIngesting } from "./ingestion-gate.js";
import { refreshLater } from "./refresh-later.js";

/**
 * Submitted, edited or dismissed: the review's state as of the event; a late older event never undoes a newer one.
 * A review also changes its pull request on GitHub (its updated time), which no pull_request event reports. The
 * event's short view of the pull request carries that version: it is stored (newest wins; fields the view lacks,
 * such as counts, are left as stored), so the change is kept even when the refresh can no longer read GitHub (the
 * repository removed from the installation before the refresh ran). The refresh re-reads what the view lacks.
 */
async function reviewChanged(context: Context<"pull_request_review">, scope: RepositoryScope) {
  const { action, review, pull_request } = context.payload;
  await saveReviews([reviewRecord(review, pull_request, scope)]);
  await savePullRequests([pullRequestView(pull_request, scope)]);
  await refreshLater(scope, "pullRequests");
  context.log.debug({ ...scope, review: review.id, action }, "review stored");
}

export function pullRequestReviewHandlers(app: WebhookRegistry): void {
  app.on("pull_request_review", whenIngesting("pullRequests", reviewChanged));
}
