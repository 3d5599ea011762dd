import type { ReceivedDelivery } from "../storage/deliveries.js";

/**
 * Events that change an installation itself (created, deleted, suspended, repositories added or removed, account
 * renamed): applied out of order they would leave the wrong state standing, so they share one lane per installation.
 */
const LIFECYCLE_EVENTS = new Set(["installation", "installation_repositories", "installation_target"]);

const idOf = (value: unknown): number | null => {
  const id = typeof value === "object" && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
};

/**
 * What the inbox records about a delivery besides its body: the ids it concerns and its lane. Lenient on purpose —
 * the payload is validated before any handler runs, and an invalid one must still be stored to be shown as dead.
 * Null when the body is not a JSON object at all.
 */
export function describeDelivery(deliveryId: string, event: string, body: string): Omit<ReceivedDelivery, "receivedAt"> | null {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const { action, installation, repository } = payload as Record<string, unknown>;
  const installationId = idOf(installation);
  return {
    deliveryId,
    event,
    action: typeof action === "string" ? action : null,
    installationId,
    repositoryId: idOf(repository),
    body,
    payload,
    lane: LIFECYCLE_EVENTS.has(event) && installationId !== null ? `installation:${installationId}` : null,
  };
}
