import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { post } from "../tools/github-server/http/post.js";
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
  kind: "webhook-sender";
  url: string;
  requests: SignedRequest[];
  concurrency: number;
}

async function send({ url, requests, concurrency }: SenderTask): Promise<SentBurst> {
  const sent: SentBurst["sent"] = new Array(requests.length);
  const startedAt = Date.now();
  await forEachConcurrently(requests, concurrency, async ({ headers, body }, index) => {
    const sentAt = Date.now();
    const clock = performance.now();
    const { status } = await post(url, headers, body, 30_000);
    sent[index] = { sentAt, ackMs: performance.now() - clock, status };
  });
  return { startedAt, sent };
}

/**
 * Posts the requests, `concurrency` at a time, from a thread of its own: GitHub's senders are not stalled by the
 * bench's own work (the local GitHub, its collections), and an answer is timed when it arrives, not when the bench's
 * busy event loop gets to it.
 */
export function sendBurst(url: string, requests: SignedRequest[], concurrency: number): Promise<SentBurst> {
  const task: SenderTask = { kind: "webhook-sender", url, requests, concurrency };
  // A worker does not inherit tsx's module hooks: it loads this file through tsx's API.
  const self = JSON.stringify(import.meta.url);
  const worker = new Worker(`import("tsx/esm/api").then(({ tsImport }) => tsImport(${self}, ${self}))`, { eval: true, workerData: task });
  return new Promise((resolve, reject) => {
    worker.once("message", (outcome: { burst: SentBurst } | { error: string }) => {
      if ("burst" in outcome) resolve(outcome.burst);
      else reject(new Error(outcome.error));
      void worker.terminate();
    });
    worker.once("error", reject);
    // After a report this changes nothing: the promise is settled.
    worker.once("exit", (code) => reject(new Error(`the webhook sender stopped (exit code ${code}) before it reported`)));
  });
}

if (!isMainThread && (workerData as SenderTask | undefined)?.kind === "webhook-sender") {
  send(workerData as SenderTask).then(
    (burst) => parentPort!.postMessage({ burst }),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
