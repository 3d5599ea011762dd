// What the Activity page tells apart: who caused an audit entry, and webhook events in words.

/** Who caused an audit entry: a person in Tributary, GitHub (a webhook), or the periodic reconciliation. */
export type AuditOrigin = "person" | "github" | "reconciliation";

export function auditOrigin(action: string): AuditOrigin {
  if (action.startsWith("web.")) return "person";
  return action.startsWith("reconcile.") ? "reconciliation" : "github";
}

/**
 * The kind of an audit entry, the part of its action a sentence is chosen by: a person's actions may carry a subject
 * after it (`web.service_enabled.tickets`, `web.delivery_retried.<id>` in entries written before details were).
 */
export const auditKind = (action: string) => action.split(".").slice(0, 2).join(".");

/** What the Activity page and API can be narrowed to. */
export const ACTIVITY_KINDS = ["all", "people", "github", "failed"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Whole phrases for events whose name and action read badly side by side. */
const EVENT_PHRASES: Record<string, string> = {
  "installation.created": "app installed",
  "installation.deleted": "app uninstalled",
  "installation.suspend": "app suspended",
  "installation.unsuspend": "app unsuspended",
  "installation.new_permissions_accepted": "new permissions accepted",
  "installation_repositories.added": "repositories added to the installation",
  "installation_repositories.removed": "repositories removed from the installation",
  "installation_target.renamed": "account renamed",
  "github_app_authorization.revoked": "sign-in authorization revoked",
  create: "branch or tag created",
  delete: "branch or tag deleted",
};

const EVENT_NOUNS: Record<string, string> = {
  pull_request: "pull request",
  pull_request_review: "review",
  pull_request_review_comment: "review comment",
  pull_request_review_thread: "review thread",
  issues: "issue",
  issue_comment: "comment",
  member: "collaborator",
  membership: "team membership",
};

const ACTION_WORDS: Record<string, string> = {
  synchronize: "updated with new commits",
  ready_for_review: "marked ready for review",
  converted_to_draft: "converted to a draft",
};

const words = (code: string) => code.replaceAll("_", " ");

/** A webhook's event and action in words: "pull request opened", "repositories removed from the installation". */
export function eventInWords(event: string, action: string | null): string {
  const phrase = EVENT_PHRASES[action ? `${event}.${action}` : event];
  if (phrase) return phrase;
  const noun = EVENT_NOUNS[event] ?? words(event);
  return action ? `${noun} ${ACTION_WORDS[action] ?? words(action)}` : noun;
}
