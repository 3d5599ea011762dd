import type { Schema } from "../rest/schemas.js";
import { iso } from "../rest/urls.js";

export interface Delivery {
  id: number;
  guid: string;
  deliveredAt: number;
  redelivery: boolean;
  durationMs: number;
  /** "OK", or why the delivery failed (as GitHub words it). */
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  request: { headers: Record<string, string>; payload: unknown };
  response: { headers: Record<string, string>; payload: string | null };
}

/** Every webhook the server sent, newest first, as `GET /app/hook/deliveries` lists them. */
export class DeliveryLog {
  private readonly deliveries: Delivery[] = [];
  private nextId = 1;

  allocateId(): number {
    return this.nextId++;
  }

  record(delivery: Delivery): void {
    this.deliveries.unshift(delivery);
  }

  list(): readonly Delivery[] {
    return this.deliveries;
  }

  find(id: number): Delivery | undefined {
    return this.deliveries.find((delivery) => delivery.id === id);
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
    request: { headers: delivery.request.headers, payload: delivery.request.payload as Record<string, unknown> },
    response: { headers: delivery.response.headers, payload: delivery.response.payload },
  };
}
