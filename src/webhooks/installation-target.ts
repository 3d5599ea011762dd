import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import { actorOf } from "../domain/installation.js";
import { appendAudit, findIntegration, renameAccount } from "../storage/integrations.js";
import { renameOwner } from "../storage/repositories.js";

/** The installed account changed its login; records are keyed by ids, so only the names follow. */
async function renamed(context: Context<"installation_target.renamed">) {
  const { installation, account, changes, sender } = context.payload;
  const integration = await findIntegration(installation.id);
  if (!integration) {
    context.log.warn({ installationId: installation.id }, "rename for an unknown installation; reconciliation will create it");
    return;
  }
  const from = changes.login?.from ?? integration.account.login;
  const to = account.login ?? account.slug ?? integration.account.login;
  await renameAccount(installation.id, from, to);
  await renameOwner(installation.id, to);
  await appendAudit(installation.id, {
    action: "installation_target.renamed",
    actor: actorOf(sender),
    at: new Date(),
    deliveryId: context.id,
    renamed: { from, to },
  });
  context.log.info({ installationId: installation.id, from, to }, "account renamed");
}

export function installationTargetHandlers(app: WebhookRegistry): void {
  app.on("installation_target.renamed", renamed);
}
