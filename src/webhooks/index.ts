import { appAuthorizationHandlers } from "./app-authorization.js";
import { branchHandlers } from "./branch.js";
import type { WebhookRegistry } from "./event-dispatcher.js";
import { installationRepositoriesHandlers } from "./installation-repositories.js";
import { installationTargetHandlers } from "./installation-target.js";
import { installationHandlers } from "./installation.js";
import { issueCommentHandlers } from "./issue-comment.js";
import { issuesHandlers } from "./issues.js";
import { organizationHandlers } from "./organization.js";
import { pullRequestReviewHandlers } from "./pull-request-review.js";
import { pullRequestHandlers } from "./pull-request.js";
import { pushHandlers } from "./push.js";
import { repositoryHandlers } from "./repository.js";
import { reviewCommentHandlers } from "./review-comment.js";

/** Every webhook the app reacts to enters here. */
export function registerWebhookHandlers(app: WebhookRegistry): void {
  installationHandlers(app);
  installationRepositoriesHandlers(app);
  installationTargetHandlers(app);
  appAuthorizationHandlers(app);
  // Ingestion: each handler stores only what the installation grants and its services cover.
  pushHandlers(app);
  branchHandlers(app);
  repositoryHandlers(app);
  pullRequestHandlers(app);
  pullRequestReviewHandlers(app);
  reviewCommentHandlers(app);
  issuesHandlers(app);
  issueCommentHandlers(app);
  organizationHandlers(app);
}
