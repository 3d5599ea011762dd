import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import type { RepositoryScope } from "../domain/github-values.js";
import { gitHubTime } from "../domain/installation.js";
import { isPullRequest, ticketRecord } from "../domain/ticket-records.js";
import { markTicketDeleted, markTicketTransferred, saveTickets } from "../storage/tickets.js";
import { whenIngesting } from "./ingestion-gate.js";

/**
 * Every action carries the whole issue: store it, newest wins. A deletion or transfer is recorded besides, and the
 * issue is stored first so that the mark lands whatever order the events arrive in.
 */
async function issueChanged(context: Context<"issues">, scope: RepositoryScope) {
  const { payload } = context;
  if (isPullRequest(payload.issue)) {
    context.log.debug({ ...scope, issue: payload.issue.id }, "ignored: a pull request is not a ticket");
    return;
  }
  await saveTickets([ticketRecord(payload.issue, scope)]);
  if (payload.action === "transferred") {
    const { new_issue, new_repository } = payload.changes;
    await markTicketTransferred(payload.issue.id, new_repository.full_name, gitHubTime(new_issue.created_at));
  } else if (payload.action === "deleted") {
    // The payload carries no deletion time; the issue's last update is the latest time GitHub gives.
    await markTicketDeleted(payload.issue.id, gitHubTime(payload.issue.updated_at));
  }
  context.log.debug({ ...scope, issue: payload.issue.id, action: payload.action }, "ticket stored");
}

export function issuesHandlers(app: WebhookRegistry): void {
  app.on("issues", whenIngesting("tickets", issueChanged));
}
