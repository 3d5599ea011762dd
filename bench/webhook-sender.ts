import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { Pool } from "undici";
import { forEachConcurrently } from "./concurrency.js";

export interface SignedRequest {
  id: string;
  body: string;
  headers: Record<string, string>;
}

export interface SentBurst {
  /** When the first delivery was sent (epoch ms). */
  startedAt: number;
  /** For each request, in order: when it was sent (epoch ms), the time to its answer, and the answer's status. */
  sent: { sentAt: number; ackMs: number; status: number }[];
}

interface SenderTask {
  url: string;
  requests: SignedRequest[];
  concurrency: number;
}

type SenderReport = { ready: true } | { burst: SentBurst } | { error: string };

const SENDER_THREAD = "webhook-sender";

/** GitHub gives up on an answer after 10 s; the bench waits longer, to time even the slowest. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Through undici's connection pool, one connection per request in flight: node:http's client cost this thread over
 * twice undici's CPU per 17 kB request, on the cores the app and its database are measured on.
 */
async function send({ url, requests, concurrency }: SenderTask): Promise<SentBurst> {
  const { origin, pathname, search } = new URL(url);
  const pool = new Pool(origin, { connections: concurrency, headersTimeout: ANSWER_TIMEOUT_MS, bodyTimeout: ANSWER_TIMEOUT_MS });
  try {
    const sent: SentBurst["sent"] = new Array(requests.length);
    const startedAt = Date.now();
    await forEachConcurrently(requests, concurrency, async ({ headers, body }, index) => {
      const sentAt = Date.now();
      const clock = performance.now();
      const answer = await pool.request({ path: `${pathname}${search}`, method: "POST", headers, body });
      await answer.body.dump();
      sent[index] = { sentAt, ackMs: performance.now() - clock, status: answer.statusCode };
    });
    return { startedAt, sent };
  } finally {
    await pool.close();
  }
}

export interface WebhookSender {
  /** Posts the requests, `concurrency` at a time; one burst at a time. */
  send(url: string, requests: SignedRequest[], concurrency: number): Promise<SentBurst>;
  close(): Promise<void>;
}

/**
 * A thread of its own that posts bursts of requests: GitHub's senders are not stalled by the bench's own work (the
 * local GitHub, its collections), and an answer is timed when it arrives, not when the bench's busy event loop gets
 * to it. Resolves once the thread is loaded (a new V8 isolate compiling this module through tsx: a fifth of a
 * second of CPU), so that a burst's CPU reading starts after that, not before.
 */
export async function startWebhookSender(): Promise<WebhookSender> {
  // A worker does not inherit tsx's module hooks: it loads this file through tsx's API.
  const self = JSON.stringify(import.meta.url);
  const worker = new Worker(`import("tsx/esm/api").then(({ tsImport }) => tsImport(${self}, ${self}))`, { eval: true, workerData: SENDER_THREAD });
  let pending: { resolve: (report: SenderReport) => void; reject: (error: Error) => void } | undefined;
  const next = () => new Promise<SenderReport>((resolve, reject) => (pending = { resolve, reject }));
  worker.on("message", (report: SenderReport) => pending?.resolve(report));
  worker.once("error", (error) => pending?.reject(error));
  // After close, or with nothing awaited, this changes nothing.
  worker.once("exit", (code) => pending?.reject(new Error(`the webhook sender stopped (exit code ${code}) before it reported`)));
  const ready = await next();
  if (!("ready" in ready)) throw new Error("the webhook sender did not start");
  return {
    async send(url, requests, concurrency) {
      const report = next();
      worker.postMessage({ url, requests, concurrency } satisfies SenderTask);
      const outcome = await report;
      if ("burst" in outcome) return outcome.burst;
      throw new Error("error" in outcome ? outcome.error : "the webhook sender answered out of turn");
    },
    async close() {
      pending = undefined;
      await worker.terminate();
    },
  };
}

if (!isMainThread && workerData === SENDER_THREAD) {
  const port = parentPort!;
  port.on("message", (task: SenderTask) => {
    send(task).then(
      (burst) => port.postMessage({ burst } satisfies SenderReport),
      (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies SenderReport),
    );
  });
  port.postMessage({ ready: true } satisfies SenderReport);
}
