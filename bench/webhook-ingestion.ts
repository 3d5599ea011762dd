import { DeliveryModel } from "../src/storage/models/index.js";
import { webhookSignature, type Delivery, type GitHubServer } from "../tools/github-server/index.js";
import { ACTIVITY_ROUND } from "../tools/demo/live-activity.js";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuTimeNow, cpuUse, type CpuUse } from "./cpu-time.js";
import { percentile, ratio, round1 } from "./figures.js";
import { startWebhookSender, type WebhookSender } from "./webhook-sender.js";
import { appQuiet } from "./app-quiet.js";

export interface WebhookIngestion {
  deliveries: number;
  /** Answered anything but 2xx. */
  failed: number;
  concurrency: number;
  /** Time from sending a delivery to its 2xx: the inbox's insert, nothing else. */
  ackP50Ms: number;
  ackP99Ms: number;
  /** Time from sending a delivery to its processing's end (its handlers ran and the outcome was recorded), uncapped. */
  processedP50Ms: number;
  processedP99Ms: number;
  /**
   * The inbox's drain rate, as the issue names `webhooks.processedPerSec`: how fast the inbox empties once the burst
   * is answered — the deliveries processed after the last answer, per second from that answer to the last processed
   * (processing holds back while a burst is stored: see src/inbox/burst.ts). The burst's own pace if nothing was left
   * to drain then.
   */
  processedPerSec: number;
  /** Deliveries per second from the first sent to the last processed: storing the burst and draining it, in turn. */
  endToEndPerSec: number;
  /**
   * What the machine spent, per delivery, until the last answer and from it to the last processed: the app, the
   * embedded database, and the bench's sender (GitHub's part); null where it cannot be read (not Linux).
   */
  cpu: { answering: CpuUse | null; draining: CpuUse | null };
  /** Of these deliveries, how many the inbox holds as processed, and as dead: proof they were handled. */
  processed: number;
  dead: number;
  /**
   * The app's first burst since it started, sent just before the measured one and alike: V8 compiles the intake's
   * and the handlers' code as it gets hot, during this burst (the small backfill before it runs other code), which
   * an app that has been up a while did long ago. Its figures are shown beside the measured burst's, not counted.
   */
  firstBurst: Pick<WebhookIngestion, "failed" | "dead" | "ackP99Ms" | "processedPerSec" | "endToEndPerSec">;
  /** Every measured round's rates, in order: the burst's, and the raw upserts' right after it. */
  rounds: { processedPerSec: number; endToEndPerSec: number; rawUpsertsPerSec: number; ofRaw: number }[];
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

/** How often the bench looks for the burst's end: the finish time itself is read from the entries, not from the poll. */
const POLL_MS = 250;

/**
 * Waits until every one of these deliveries is finished (processed or dead); resolves when each finished. Each poll
 * asks only whether one is still unfinished (found by id, the primary key): counting the whole burst on every poll
 * cost the database as much as a tenth of the processing it measures.
 */
async function finishedAll(deliveryIds: string[], timeoutMs: number): Promise<Map<string, Date>> {
  const deadline = Date.now() + timeoutMs;
  while (await DeliveryModel.exists({ _id: { $in: deliveryIds }, state: { $nin: ["processed", "dead"] } })) {
    if (Date.now() > deadline) throw new Error(`the burst's ${deliveryIds.length} deliveries were not all processed within ${timeoutMs / 1000} s`);
    await sleep(POLL_MS);
  }
  const finished = await DeliveryModel.find({ _id: { $in: deliveryIds } }, { finishedAt: 1 }).lean();
  return new Map(finished.map(({ _id, finishedAt }) => [_id, finishedAt!]));
}

/** One burst of `count` deliveries of live activity through the app's webhook endpoint, measured. */
async function measureBurst(
  github: GitHubServer,
  sender: WebhookSender,
  webhookUrl: string,
  count: number,
  concurrency: number,
): Promise<{ ingestion: Omit<WebhookIngestion, "firstBurst" | "rounds">; bodies: string[] }> {
  const deliveries = await recordActivity(github, count);
  // Serialized and signed before the clock starts, and sent from a thread of their own (see startWebhookSender):
  // GitHub's senders do not share the app's CPU, the bench's do.
  const requests = deliveries.map((delivery) => {
    const body = JSON.stringify(delivery.request.payload);
    return { id: delivery.guid, body, headers: { ...delivery.request.headers, "x-hub-signature-256": webhookSignature(github.context.options.app.webhookSecret, body) } };
  });
  await appQuiet();
  const beforeBurst = cpuTimeNow();
  const { startedAt: started, sent } = await sender.send(webhookUrl, requests, concurrency);
  const answered = cpuTimeNow();
  const acks = sent.map(({ ackMs }) => ackMs);
  const sentAt = new Map(requests.map(({ id }, index) => [id, sent[index]!.sentAt]));
  const failed = sent.filter(({ status }) => status < 200 || status >= 300).length;
  const ids = deliveries.map(({ guid }) => guid);
  const finishedAt = await finishedAll(ids, 300_000);
  const drainedCpu = cpuTimeNow();
  acks.sort((a, b) => a - b);
  const toProcessed = [...finishedAt].map(([id, at]) => at.getTime() - sentAt.get(id)!).sort((a, b) => a - b);
  const lastFinished = Math.max(...[...finishedAt.values()].map((at) => at.getTime()));
  const seconds = (lastFinished - started) / 1000;
  const lastAnswered = Math.max(...sent.map(({ sentAt: at, ackMs }) => at + ackMs));
  const drained = [...finishedAt.values()].filter((at) => at.getTime() > lastAnswered).length;
  const ingestion = {
    deliveries: deliveries.length,
    failed,
    concurrency,
    ackP50Ms: round1(percentile(acks, 50)),
    ackP99Ms: round1(percentile(acks, 99)),
    processedP50Ms: round1(percentile(toProcessed, 50)),
    processedP99Ms: round1(percentile(toProcessed, 99)),
    processedPerSec: drained === 0 ? round1(deliveries.length / seconds) : round1(drained / ((lastFinished - lastAnswered) / 1000)),
    endToEndPerSec: round1(deliveries.length / seconds),
    cpu: {
      answering: cpuUse(beforeBurst, answered, deliveries.length, lastAnswered - started),
      // Read up to one poll after the last was processed: the wall time stops at it, the little CPU of that poll counts.
      draining: cpuUse(answered, drainedCpu, deliveries.length, lastFinished - lastAnswered),
    },
    processed: await DeliveryModel.countDocuments({ _id: { $in: ids }, state: "processed" }),
    dead: await DeliveryModel.countDocuments({ _id: { $in: ids }, state: "dead" }),
  };
  return { ingestion, bodies: requests.map(({ body }) => body) };
}

/** The raw yardsticks (see raw-upserts.ts), measured right after a burst, at the same concurrency. */
export interface RawYardsticks {
  upsertsPerSec: number;
  cpu: CpuUse | null;
  deliveryWritesPerSec: number;
}

/**
 * Bursts of signed deliveries through the app's real webhook endpoint, `concurrency` at a time. The app answers once
 * a delivery is stored in its inbox (the acknowledgement GitHub waits for, within 10 s), and processes the inbox in
 * the background: both are measured, the second until the last delivery of the burst is processed. The app's first
 * burst since its start comes first and is shown apart (see `firstBurst`), with a first run of the yardsticks, not
 * counted; then `rounds` rounds of a burst (once the app is quiet: see appQuiet) and, right
 * after it, the raw yardsticks (`yardsticks`, given the burst's bodies). The round reported is the median by processed
 * ÷ raw upserts (the lower of the two middle ones for an even count); every round's rates are kept in `rounds`.
 */
export async function measureWebhookIngestion(
  github: GitHubServer,
  webhookUrl: string,
  { count, concurrency, rounds }: { count: number; concurrency: number; rounds: number },
  yardsticks: (bodies: string[]) => Promise<RawYardsticks>,
): Promise<{ ingestion: WebhookIngestion; raw: RawYardsticks }> {
  const sender = await startWebhookSender();
  try {
    const { ingestion: first, bodies: firstBodies } = await measureBurst(github, sender, webhookUrl, count, concurrency);
    const { failed, dead, ackP99Ms, processedPerSec, endToEndPerSec } = first;
    const firstBurst = { failed, dead, ackP99Ms, processedPerSec, endToEndPerSec };
    // The yardsticks' own first run, not counted either: the bench's V8 compiles the driver's write path then, which
    // cost the first round's raw upserts three times the bench's CPU of the later rounds, and a third of their pace.
    await yardsticks(firstBodies);
    const measured: { ingestion: Omit<WebhookIngestion, "firstBurst" | "rounds">; raw: RawYardsticks; ofRaw: number }[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const { ingestion, bodies } = await measureBurst(github, sender, webhookUrl, count, concurrency);
      const raw = await yardsticks(bodies);
      measured.push({ ingestion, raw, ofRaw: ratio(ingestion.processedPerSec, raw.upsertsPerSec) });
    }
    const median = [...measured].sort((a, b) => a.ofRaw - b.ofRaw)[Math.floor((measured.length - 1) / 2)]!;
    const summary = measured.map(({ ingestion, raw, ofRaw }) => ({ processedPerSec: ingestion.processedPerSec, endToEndPerSec: ingestion.endToEndPerSec, rawUpsertsPerSec: raw.upsertsPerSec, ofRaw }));
    return { ingestion: { ...median.ingestion, firstBurst, rounds: summary }, raw: median.raw };
  } finally {
    await sender.close();
  }
}
