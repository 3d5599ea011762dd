import type { IncomingMessage, ServerResponse } from "node:http";
import { verify } from "@octokit/webhooks-methods";
import type { Logger } from "pino";
import { loggedElsewhere } from "../http/access-log.js";
import { storeReceivedDelivery } from "../storage/deliveries.js";
import { describeDelivery } from "./envelope.js";
import type { InboxHandoff } from "./processor.js";

/** Where GitHub sends webhooks (Probot's default path, which app.yml and existing registrations use). */
export const WEBHOOK_PATH = "/api/github/webhooks";

/** GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub and is refused before it is read. */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

/** GitHub gives up on a delivery after 10 s: an insert not acknowledged well before that is answered 503. */
const STORE_TIMEOUT_MS = 5_000;

export interface IntakeOptions {
  path: string;
  secret: string;
  log: Logger;
  /** This process's inbox processor, told of every delivery stored (it takes what it can at once). */
  inbox: InboxHandoff;
}

class RequestRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the body up to the limit without holding more: a declared or streamed excess is refused as it is seen. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(new RequestRefused(413, "payload over GitHub's 25 MB limit"));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners("data");
        reject(new RequestRefused(413, "payload over GitHub's 25 MB limit"));
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}

/**
 * After a 413, the rest of the body is read and thrown away for a moment before the connection is closed: closing a
 * socket with unread data (as `Connection: close` would, at once) makes the kernel reset it, and the client may lose
 * the answer along with it.
 */
function discardThenClose(req: IncomingMessage): void {
  req.resume();
  setTimeout(() => req.destroy(), 2_000).unref();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function answer(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(status < 300 ? { ok: true, message } : { error: { message } }));
}

/**
 * Where every webhook enters: the signature is checked first, then the delivery is stored in the inbox, and only then
 * answered 2xx — so GitHub counts as delivered only what is stored. Nothing else happens in the request: the inbox
 * processor runs the handlers in the background. Resolves false for other paths.
 */
export function webhookIntake({ path, secret, log, inbox }: IntakeOptions) {
  const intakeLog = log.child({ name: "webhooks" });
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== path) return false;
    try {
      if (req.method !== "POST") throw new RequestRefused(405, "webhooks are POSTed");
      const event = header(req, "x-github-event");
      const deliveryId = header(req, "x-github-delivery");
      const signature = header(req, "x-hub-signature-256");
      if (!event || !deliveryId || !signature) throw new RequestRefused(400, "X-GitHub-Event, X-GitHub-Delivery and X-Hub-Signature-256 are required");
      const body = (await readBody(req, MAX_WEBHOOK_BODY_BYTES)).toString("utf8");
      if (!(await verify(secret, body, signature))) throw new RequestRefused(401, "signature does not match the payload and the webhook secret");
      const described = describeDelivery(deliveryId, event, body);
      if (!described) throw new RequestRefused(400, "the payload is not a JSON object");
      const delivery = { ...described, receivedAt: new Date() };
      const received = { ...delivery, claim: inbox.claimOnArrival(delivery) };
      let stored: boolean;
      const signal = AbortSignal.timeout(STORE_TIMEOUT_MS);
      try {
        stored = await storeReceivedDelivery(received, signal);
      } catch (error) {
        inbox.arrived(received, false);
        // GitHub records the failure; the redelivery pass asks for it again once the database answers.
        const reason = signal.aborted ? `not acknowledged within ${STORE_TIMEOUT_MS} ms` : (error as Error).message;
        intakeLog.warn({ deliveryId, event, reason }, "could not store a delivery: answered 503");
        loggedElsewhere(res);
        answer(res, 503, "the delivery could not be stored; it will be requested again");
        return true;
      }
      try {
        answer(res, stored ? 202 : 200, stored ? "stored" : "already received");
      } finally {
        // After the answer: GitHub waits for nothing but the insert.
        inbox.arrived(received, stored);
      }
    } catch (error) {
      if (!(error instanceof RequestRefused)) throw error;
      // One line, no stack, no body: anyone can send these, and an unverified body is never worth keeping.
      intakeLog.warn({ status: error.status, reason: error.message, deliveryId: header(req, "x-github-delivery") }, "webhook refused");
      loggedElsewhere(res);
      answer(res, error.status, error.message);
      if (error.status === 413) discardThenClose(req);
    }
    return true;
  };
}
