import type { WebhookEvent as WebhookPayload, WebhookEventName } from "@octokit/webhooks-types";
import type { Schema } from "../rest/schemas.js";
import { iso } from "../rest/urls.js";

/** One attempt at delivering an event: the first one, or a redelivery (same `guid`, its own `id`). */
export interface Delivery {
  id: number;
  guid: string;
  deliveredAt: number;
  redelivery: boolean;
  durationMs: number;
  /** "OK", or why the delivery failed (as GitHub words it). */
  status: string;
  /** The receiving end's HTTP status; 0 when it never answered. */
  statusCode: number;
  event: WebhookEventName;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  request: { headers: Record<string, string>; payload: WebhookPayload };
  response: { headers: Record<string, string>; payload: string | null };
}

/** GitHub's `status` filter of `GET /app/hook/deliveries`. */
export type DeliveryOutcome = "success" | "failure";

/** As GitHub documents the filter: success is a status code in 200–399, failure in 400–599 (so a refused connection, 0, is neither). */
export function outcomeOf(statusCode: number): DeliveryOutcome | null {
  if (statusCode >= 200 && statusCode <= 399) return "success";
  if (statusCode >= 400 && statusCode <= 599) return "failure";
  return null;
}

export interface DeliveryPage {
  /** Newest first. */
  items: Delivery[];
  /** The cursor of the next (older) page; null on the last page. */
  next: string | null;
}

// Opaque to clients, like GitHub's (which look the same); it names the oldest delivery already listed.
const encodeCursor = (id: number) => `v1_${id}`;

function decodeCursor(cursor: string): number | null {
  const id = /^v1_(\d+)$/.exec(cursor)?.[1];
  return id === undefined ? null : Number(id);
}

/** Index of the first delivery whose id is at least `id` in a list kept in ascending id order. */
function firstAtLeast(list: readonly Delivery[], id: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]!.id < id) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Every attempt the server made, listed newest first like `GET /app/hook/deliveries`. Ids are handed out as
 * attempts are recorded, so appending keeps each list in id order and a page or a lookup is a binary search,
 * however many deliveries there are.
 */
export class DeliveryLog {
  private readonly all: Delivery[] = [];
  private readonly byOutcome: Record<DeliveryOutcome, Delivery[]> = { success: [], failure: [] };
  private nextId = 1;

  allocateId(): number {
    return this.nextId++;
  }

  record(delivery: Delivery): void {
    this.all.push(delivery);
    const outcome = outcomeOf(delivery.statusCode);
    if (outcome) this.byOutcome[outcome].push(delivery);
  }

  find(id: number): Delivery | undefined {
    const found = this.all[firstAtLeast(this.all, id)];
    return found?.id === id ? found : undefined;
  }

  /** Up to `perPage` deliveries older than `cursor` (all when null), newest first; undefined for a cursor this log never gave out. */
  page(cursor: string | null, perPage: number, outcome?: DeliveryOutcome): DeliveryPage | undefined {
    const before = cursor === null ? Infinity : decodeCursor(cursor);
    if (before === null) return undefined;
    const list = outcome ? this.byOutcome[outcome] : this.all;
    const end = firstAtLeast(list, before);
    const start = Math.max(0, end - perPage);
    return { items: list.slice(start, end).reverse(), next: start > 0 ? encodeCursor(list[start]!.id) : null };
  }
}

export function hookDeliveryItem(delivery: Delivery) {
  return {
    id: delivery.id,
    guid: delivery.guid,
    delivered_at: iso(delivery.deliveredAt),
    redelivery: delivery.redelivery,
    duration: delivery.durationMs / 1000,
    status: delivery.status,
    status_code: delivery.statusCode,
    event: delivery.event,
    action: delivery.action,
    installation_id: delivery.installationId,
    repository_id: delivery.repositoryId,
  } satisfies Schema<"hook-delivery-item">;
}

export function hookDelivery(delivery: Delivery, url: string | undefined): Schema<"hook-delivery"> {
  return {
    ...hookDeliveryItem(delivery),
    url: url ?? "",
    request: { headers: delivery.request.headers, payload: delivery.request.payload as unknown as Record<string, unknown> },
    response: { headers: delivery.response.headers, payload: delivery.response.payload },
  };
}
