import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";

/**
 * Branches and tags are not stored: commits reach the default branch by `push`, a change of default branch comes
 * as `repository.edited`, and GitHub does not let the default branch be deleted. Logged so the event is traceable.
 */
async function refChanged(context: Context<"create" | "delete">) {
  const { ref, ref_type, repository } = context.payload;
  context.log.debug({ event: context.name, repositoryId: repository.id, ref, refType: ref_type }, "branch or tag event: nothing to store");
}

export function branchHandlers(app: WebhookRegistry): void {
  app.on(["create", "delete"], refChanged);
}
