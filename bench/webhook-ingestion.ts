import { DeliveryModel } from "../src/storage/models/index.js";
import { webhookSignature, type Delivery, type GitHubServer } from "../tools/github-server/index.js";
import { post } from "../tools/github-server/http/post.js";
import { ACTIVITY_ROUND } from "../tools/demo/live-activity.js";
import { forEachConcurrently } from "./concurrency.js";
import { percentile, round1 } from "./figures.js";

export interface WebhookIngestion {
  deliveries: number;
  failed: number;
  concurrency: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Deliveries the app recorded as processed: proof they reached the database. */
  recorded: number;
}

/** Live activity on the server, recorded but not sent, so the bench can deliver it at its own pace. */
async function recordActivity(github: GitHubServer, count: number): Promise<Delivery[]> {
  const { app } = github.context.options;
  const webhookUrl = app.webhookUrl;
  app.webhookUrl = undefined;
  try {
    const recorded: Delivery[] = [];
    while (recorded.length < count) recorded.push(...(await github.simulateActivity(ACTIVITY_ROUND)));
    return recorded.slice(0, count);
  } finally {
    app.webhookUrl = webhookUrl;
  }
}

/**
 * Signed deliveries through the app's real webhook endpoint, `concurrency` at a time. The app answers once the
 * delivery is stored, so a delivery's round trip is its end-to-end latency into the database.
 */
export async function measureWebhookIngestion(github: GitHubServer, webhookUrl: string, count: number, concurrency: number): Promise<WebhookIngestion> {
  const deliveries = await recordActivity(github, count);
  const before = await DeliveryModel.countDocuments();
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await forEachConcurrently(deliveries, concurrency, async (delivery) => {
    const body = JSON.stringify(delivery.request.payload);
    const headers = { ...delivery.request.headers, "x-hub-signature-256": webhookSignature(github.context.options.app.webhookSecret, body) };
    const sent = performance.now();
    const answer = await post(webhookUrl, headers, body, 30_000);
    latencies.push(performance.now() - sent);
    if (answer.status < 200 || answer.status >= 300) failed += 1;
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    deliveries: deliveries.length,
    failed,
    concurrency,
    eventsPerSec: round1(deliveries.length / seconds),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    recorded: (await DeliveryModel.countDocuments()) - before,
  };
}
