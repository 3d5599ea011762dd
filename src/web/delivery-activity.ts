import { eventInWords } from "../domain/activity.js";
import { listDeadDeliveries } from "../storage/dead-deliveries.js";
import { countDeadDeliveries, listRecentDeliveries } from "../storage/deliveries.js";
import type { DeliveryState } from "../storage/models/delivery.js";
import { repositoryNames, type RepositoryName } from "../storage/repository-names.js";
import { sentence, type Sentence, type SentenceRepository } from "./sentence.js";

/** One inbox entry as the Activity page and the API show it. */
export interface DeliveryActivity {
  deliveryId: string;
  event: string;
  action: string | null;
  state: DeliveryState;
  repository: SentenceRepository | null;
  receivedAt: Date;
  attempts: number;
  /** When a retrying delivery is attempted again; null in every other state. */
  nextAttemptAt: Date | null;
  /** When it was processed, or given up on. */
  finishedAt: Date | null;
  /** Why the last attempt failed, for retrying and dead deliveries. */
  reason: string | null;
  sentence: Sentence;
}

type StoredDelivery = Awaited<ReturnType<typeof listRecentDeliveries>>[number];

const FAILING: DeliveryState[] = ["retrying", "dead"];

const attemptsInWords = (count: number) => (count === 1 ? "1 attempt" : `${count} attempts`);

/** Where the delivery stands, in words. */
function progress({ state, attempts, nextAttemptAt }: Omit<DeliveryActivity, "sentence">): Sentence {
  switch (state) {
    case "received":
      return sentence`received, waiting to be processed`;
    case "processing":
      return sentence`being processed (attempt ${String(attempts)})`;
    case "processed":
      return sentence`processed`;
    case "retrying":
      return nextAttemptAt ? sentence`attempt ${String(attempts)} failed; next attempt at ${{ time: nextAttemptAt }}` : sentence`attempt ${String(attempts)} failed`;
    case "dead":
      return sentence`gave up after ${attemptsInWords(attempts)}`;
  }
}

function describe(delivery: StoredDelivery, names: Map<number, RepositoryName>): DeliveryActivity {
  const { _id, event, action, state, repositoryId, receivedAt, attempts, dueAt, finishedAt, lastError } = delivery;
  const stored = repositoryId ? names.get(repositoryId) : undefined;
  const facts = {
    deliveryId: _id,
    event,
    action: action ?? null,
    state,
    repository: repositoryId ? { id: repositoryId, fullName: stored?.fullName ?? null, granted: stored?.granted ?? false } : null,
    receivedAt,
    attempts,
    nextAttemptAt: state === "retrying" ? (dueAt ?? null) : null,
    finishedAt: finishedAt ?? null,
    reason: FAILING.includes(state) ? (lastError ?? null) : null,
  };
  const what = eventInWords(event, facts.action);
  const subject = facts.repository ? sentence`${what} on ${{ repository: facts.repository }}` : sentence`${what}`;
  return { ...facts, sentence: sentence`GitHub: ${subject} — ${progress(facts)}` };
}

/** Whether the delivery failed at least once and has not been processed since. */
export const isFailing = ({ state }: Pick<DeliveryActivity, "state">) => FAILING.includes(state);

/**
 * The installation's latest deliveries in every state, plus every dead one (an older dead delivery must stay in
 * reach of the owner who can retry it), newest first; and how many are dead in all.
 */
export async function deliveryActivity(installationId: number): Promise<{ deadCount: number; deliveries: DeliveryActivity[] }> {
  const [recent, dead, deadCount] = await Promise.all([
    listRecentDeliveries(installationId),
    listDeadDeliveries(installationId),
    countDeadDeliveries(installationId),
  ]);
  const entries = [...new Map([...recent, ...dead].map((delivery) => [delivery._id, delivery])).values()].sort(
    (a, b) => b.receivedAt.getTime() - a.receivedAt.getTime(),
  );
  const names = await repositoryNames(entries.flatMap(({ repositoryId }) => (repositoryId ? [repositoryId] : [])));
  return { deadCount, deliveries: entries.map((delivery) => describe(delivery, names)) };
}
