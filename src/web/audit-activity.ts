import { auditKind, auditOrigin, eventInWords, type AuditOrigin } from "../domain/activity.js";
import { SERVICES, type Service } from "../storage/models/import-status.js";
import type { Actor, AuditEntry } from "../storage/models/integration.js";
import { repositoryNames, type RepositoryName } from "../storage/repository-names.js";
import { listOf, sentence, type Sentence, type SentencePart, type SentenceRepository } from "./sentence.js";

/** One audit entry as the Activity page and the API show it. */
export interface AuditActivity {
  /** What happened, as recorded (`web.renamed`, `installation_repositories.removed`, `reconcile.repository_granted`, …). */
  action: string;
  origin: AuditOrigin;
  actor: Actor | null;
  at: Date;
  /** The webhook delivery that caused it. */
  deliveryId: string | null;
  /** The repositories it concerned, by their name now (their name then if Tributary no longer has them). */
  repositories: (SentenceRepository & { fullName: string })[];
  /** How many repositories it concerned: more than are listed after a large change. */
  repositoryCount: number;
  renamed: { from: string; to: string } | null;
  service: { name: Service; enabled: boolean } | null;
  /** For a retry: the dead delivery retried; its event is null in entries written before it was recorded. */
  retriedDelivery: { id: string; event: string | null; action: string | null } | null;
  sentence: Sentence;
}

type Facts = Omit<AuditActivity, "sentence">;

const SERVICE_ACTION = /^web\.service_(enabled|disabled)\.(\w+)$/;
const RETRY_ACTION = /^web\.delivery_retried\.(.+)$/;

/** The switch an entry records, or for an entry written before switches were recorded, the one its action names. */
function serviceOf({ service, action }: AuditEntry): Facts["service"] {
  if (service) return { name: service.name, enabled: service.enabled };
  const [, state, name] = SERVICE_ACTION.exec(action) ?? [];
  return name && SERVICES.includes(name as Service) ? { name: name as Service, enabled: state === "enabled" } : null;
}

function retriedDeliveryOf({ retriedDelivery, action }: AuditEntry): Facts["retriedDelivery"] {
  if (retriedDelivery) return { id: retriedDelivery.id, event: retriedDelivery.event, action: retriedDelivery.action ?? null };
  const [, id] = RETRY_ACTION.exec(action) ?? [];
  return id ? { id, event: null, action: null } : null;
}

function facts(entry: AuditEntry, names: Map<number, RepositoryName>): Facts {
  const repositories = (entry.repositories ?? []).map(({ id, fullName }) => {
    const now = names.get(id);
    return { id, fullName: now?.fullName ?? fullName, granted: now?.granted ?? false };
  });
  return {
    action: entry.action,
    origin: auditOrigin(entry.action),
    actor: entry.actor ? { id: entry.actor.id, login: entry.actor.login } : null,
    at: entry.at,
    deliveryId: entry.deliveryId ?? null,
    repositories,
    repositoryCount: entry.repositoryCount ?? repositories.length,
    renamed: entry.renamed ? { from: entry.renamed.from, to: entry.renamed.to } : null,
    service: serviceOf(entry),
    retriedDelivery: retriedDeliveryOf(entry),
  };
}

const who = ({ actor }: Facts): SentencePart => (actor ? { person: actor.login } : "someone");

/** The repositories as a list of links; `fallback` for entries written before repositories were recorded. */
function repositoriesOf({ repositories, repositoryCount }: Facts, fallback: string): SentencePart[] {
  return repositories.length > 0 ? listOf(repositories.map((repository) => ({ repository })), repositoryCount) : [fallback];
}

/** "is" or "are", agreeing with the repositories named. */
const be = ({ repositoryCount }: Facts) => (repositoryCount > 1 ? "are" : "is");

/** Sentences by audit kind (see auditKind), without the origin they are prefixed with. */
const SENTENCES: Record<string, (entry: Facts) => Sentence> = {
  "web.renamed": (entry) =>
    entry.renamed
      ? sentence`${who(entry)} renamed the integration from “${entry.renamed.from}” to “${entry.renamed.to}”`
      : sentence`${who(entry)} renamed the integration`,
  "web.service_enabled": (entry) => sentence`${who(entry)} turned ${entry.service ? { service: entry.service.name } : "a service"} on`,
  "web.service_disabled": (entry) => sentence`${who(entry)} turned ${entry.service ? { service: entry.service.name } : "a service"} off`,
  "web.reimport_requested": (entry) => sentence`${who(entry)} re-imported ${repositoriesOf(entry, "a repository")}`,
  "web.delivery_retried": retried,
  "installation.created": (entry) =>
    entry.repositoryCount > 0
      ? sentence`${who(entry)} installed the app with access to ${repositoriesOf(entry, "")}`
      : sentence`${who(entry)} installed the app`,
  "installation.deleted": (entry) => sentence`${who(entry)} uninstalled the app; the data imported so far is kept`,
  "installation.suspend": (entry) => sentence`${who(entry)} suspended the app`,
  "installation.unsuspend": (entry) => sentence`${who(entry)} unsuspended the app`,
  "installation.new_permissions_accepted": (entry) => sentence`${who(entry)} accepted the app's new permissions`,
  "installation_repositories.added": (entry) => sentence`${who(entry)} added ${repositoriesOf(entry, "repositories")} to the installation`,
  "installation_repositories.removed": (entry) => sentence`${who(entry)} removed ${repositoriesOf(entry, "repositories")} from the installation`,
  "installation_target.renamed": (entry) =>
    entry.renamed
      ? sentence`${who(entry)} renamed the account from ${entry.renamed.from} to ${entry.renamed.to}`
      : sentence`${who(entry)} renamed the account`,
  "reconcile.created": () => sentence`found the installation on GitHub, whose webhook never came`,
  "reconcile.active": () => sentence`GitHub reports the installation active again`,
  "reconcile.suspended": () => sentence`GitHub reports the installation suspended`,
  "reconcile.uninstalled": () => sentence`the installation is gone from GitHub: marked uninstalled, its data kept`,
  "reconcile.repository_granted": (entry) => sentence`${repositoriesOf(entry, "a repository")} ${be(entry)} granted on GitHub, found without a webhook`,
  "reconcile.repository_revoked": (entry) => sentence`${repositoriesOf(entry, "a repository")} ${be(entry)} no longer granted on GitHub, found without a webhook`,
};

function retried(entry: Facts): Sentence {
  const delivery = entry.retriedDelivery;
  if (!delivery) return sentence`${who(entry)} retried a dead delivery`;
  const subject = entry.repositories.length > 0 ? sentence` on ${repositoriesOf(entry, "")}` : sentence``;
  return delivery.event
    ? sentence`${who(entry)} retried the dead delivery ${{ delivery: delivery.id }} (${eventInWords(delivery.event, delivery.action)}${subject})`
    : sentence`${who(entry)} retried the dead delivery ${{ delivery: delivery.id }}`;
}

const ORIGIN_PREFIX: Record<AuditOrigin, string> = { person: "", github: "GitHub: ", reconciliation: "Reconciliation: " };

function describe(entry: Facts): AuditActivity {
  const build = SENTENCES[auditKind(entry.action)];
  // An action this version does not know (written by a newer one): its code, and who.
  const said = build ? build(entry) : entry.actor ? sentence`${entry.action} by ${who(entry)}` : sentence`${entry.action}`;
  return { ...entry, sentence: sentence`${ORIGIN_PREFIX[entry.origin]}${said}` };
}

/** The audit trail, newest first, each entry with its sentence. */
export async function auditActivity(trail: readonly AuditEntry[]): Promise<AuditActivity[]> {
  const names = await repositoryNames(trail.flatMap((entry) => (entry.repositories ?? []).map(({ id }) => id)));
  return [...trail].reverse().map((entry) => describe(facts(entry, names)));
}
