import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { connect } from "node:net";
import { Writable } from "node:stream";
import { sign } from "@octokit/webhooks-methods";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BODY_BYTES, WEBHOOK_PATH, webhookIntake } from "../../src/inbox/intake.js";
import { startHttpServer, type HttpServer } from "../../src/http/server.js";
import type { InboxHandoff } from "../../src/inbox/processor.js";
import type { ArrivalClaim } from "../../src/storage/deliveries.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { clearDatabase } from "../helpers/database.js";
import { eventually } from "../helpers/eventually.js";
import { exampleAction } from "../helpers/webhooks.js";
import { allowLoopback } from "../tools/github-server/helpers.js";

const SECRET = "intake-secret";

const logged: Record<string, unknown>[] = [];
const captured = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split("\n").filter(Boolean)) logged.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let server: HttpServer;
/** What the intake told the processor, and the claim the processor gives the next delivery. */
const arrivals: { deliveryId: string; stored: boolean; claim: ArrivalClaim | null | undefined }[] = [];
let claimOnArrival: ArrivalClaim | null = null;
const inbox: InboxHandoff = {
  claimOnArrival: () => claimOnArrival,
  arrived: ({ deliveryId, claim }, stored) => void arrivals.push({ deliveryId, stored, claim }),
};

interface Sent {
  status: number;
  body: string;
}

/** One POST to the webhook path; `body` may be a generator of chunks, streamed without a declared length. */
function post(headers: Record<string, string | number>, body: string | (() => Generator<Buffer>), method = "POST"): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const url = new URL(WEBHOOK_PATH, server.url);
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // The server may refuse and close before the whole body is sent: what it answered is what counts.
    req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
    if (typeof body === "string") return void req.end(body);
    const chunks = body();
    const pump = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) if (!req.write(next.value)) return void req.once("drain", pump);
      req.end();
    };
    pump();
  });
}

async function signed(event: string, payload: object, deliveryId = randomUUID()) {
  const body = JSON.stringify(payload);
  const headers = { "content-type": "application/json", "x-github-event": event, "x-github-delivery": deliveryId, "x-hub-signature-256": await sign(SECRET, body) };
  return { deliveryId, answer: await post(headers, body) };
}

beforeAll(async () => {
  allowLoopback();
  const log = pino({ level: "info" }, captured);
  server = await startHttpServer({ host: "127.0.0.1", port: 0, log, handlers: [webhookIntake({ path: WEBHOOK_PATH, secret: SECRET, log, inbox })] });
});

afterAll(() => server.close());

beforeEach(async () => {
  await clearDatabase();
  logged.length = 0;
  arrivals.length = 0;
  claimOnArrival = null;
});

/**
 * Every line logged for the requests sent so far: a request sent after them is answered and its access line seen
 * first, so a line that the earlier requests would log late is not missed.
 */
async function linesOfEarlierRequests(): Promise<Record<string, unknown>[]> {
  await new Promise<void>((resolve, reject) => request(new URL("/after", server.url), (res) => res.resume().on("end", resolve)).on("error", reject).end());
  await eventually("the later request is logged", async () => logged.some((line) => line.path === "/after"));
  return logged.filter((line) => line.path !== "/after");
}

describe("the webhook intake", () => {
  it("stores a signed delivery with what it concerns, then answers 202", async () => {
    const payload = { ...exampleAction("pull_request", "opened"), installation: { id: 42, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=" } };
    const { deliveryId, answer } = await signed("pull_request", payload);

    expect(answer.status).toBe(202);
    const entry = await DeliveryModel.findById(deliveryId).lean();
    expect(entry).toMatchObject({
      event: "pull_request",
      action: "opened",
      installationId: 42,
      repositoryId: payload.repository.id,
      state: "received",
      lane: null,
    });
    expect(JSON.parse(entry!.body!)).toEqual(payload);
    expect(arrivals).toEqual([{ deliveryId, stored: true, claim: null }]);
  });

  it("stores a delivery the processor takes on arrival as claimed by it, and hands it over", async () => {
    claimOnArrival = { claimedBy: "this-process", leaseMs: 30_000 };
    const before = Date.now();
    const { deliveryId, answer } = await signed("issues", exampleAction("issues", "opened"));

    expect(answer.status).toBe(202);
    const entry = await DeliveryModel.findById(deliveryId).lean();
    expect(entry).toMatchObject({ state: "processing", claimedBy: "this-process", attempts: 1 });
    expect(entry!.dueAt!.getTime()).toBeGreaterThanOrEqual(before + 30_000);
    expect(arrivals).toEqual([{ deliveryId, stored: true, claim: claimOnArrival }]);
  });

  it("puts installation lifecycle events in their installation's lane", async () => {
    const payload = exampleAction("installation", "created");
    const { deliveryId } = await signed("installation", payload);

    expect(await DeliveryModel.findById(deliveryId).lean()).toMatchObject({ lane: `installation:${payload.installation.id}` });
  });

  it("answers a redelivery of a stored delivery 200 and changes nothing", async () => {
    const { deliveryId } = await signed("issues", exampleAction("issues", "opened"));
    const first = await DeliveryModel.findById(deliveryId).lean();

    const { answer } = await signed("issues", { ...exampleAction("issues", "opened"), action: "edited" }, deliveryId);

    expect(answer.status).toBe(200);
    expect(await DeliveryModel.findById(deliveryId).lean()).toEqual(first);
    expect(arrivals.map(({ stored }) => stored)).toEqual([true, false]);
  });

  it("refuses a bad signature with 401 and one warning without a stack or the body", async () => {
    const body = JSON.stringify({ action: "opened", secret_looking: "do-not-log-me" });
    const answer = await post({ "x-github-event": "issues", "x-github-delivery": "forged", "x-hub-signature-256": await sign("wrong", body) }, body);

    expect(answer.status).toBe(401);
    expect(await DeliveryModel.countDocuments()).toBe(0);
    const lines = await linesOfEarlierRequests();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, status: 401, deliveryId: "forged" });
    expect(JSON.stringify(lines[0])).not.toMatch(/do-not-log-me|stack|"err"/);
  });

  it.each([
    ["no signature", { "x-github-event": "issues", "x-github-delivery": "d" }],
    ["no event", { "x-github-delivery": "d", "x-hub-signature-256": "sha256=00" }],
    ["an empty event", { "x-github-event": "", "x-github-delivery": "d", "x-hub-signature-256": "sha256=00" }],
  ])("refuses a request with %s as 400", async (_, headers) => {
    expect((await post(headers, "{}")).status).toBe(400);
    expect(await linesOfEarlierRequests()).toEqual([expect.objectContaining({ level: 40, status: 400 })]);
  });

  it("refuses a correctly signed body that is not a JSON object as 400", async () => {
    const body = "[not json";
    const answer = await post({ "x-github-event": "issues", "x-github-delivery": "d", "x-hub-signature-256": await sign(SECRET, body) }, body);

    expect(answer.status).toBe(400);
    expect(await DeliveryModel.countDocuments()).toBe(0);
  });

  it("answers anything but a POST 405", async () => {
    expect((await post({}, "", "GET")).status).toBe(405);
  });

  it("refuses a body declared over 25 MB with 413 before reading it", async () => {
    // Over a bare socket: an HTTP client (and nock's wrapper of it) will not send less than the length it declared.
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write(
          `POST ${WEBHOOK_PATH} HTTP/1.1\r\nHost: localhost\r\nX-GitHub-Event: issues\r\nX-GitHub-Delivery: big\r\n` +
            `X-Hub-Signature-256: sha256=00\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n${"x".repeat(1024)}`,
        );
      });
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });

    expect(answer).toMatch(/^HTTP\/1.1 413 /);
    expect(await linesOfEarlierRequests()).toEqual([expect.objectContaining({ level: 40, status: 413 })]);
  });

  it("refuses a streamed body with 413 as soon as it passes 25 MB", async () => {
    let sent = 0;
    function* endless() {
      // Stops by itself well past the limit, so a server that kept reading would still end the test.
      while (sent < MAX_WEBHOOK_BODY_BYTES * 3) {
        sent += 1024 * 1024;
        yield Buffer.alloc(1024 * 1024, "x");
      }
    }
    const answer = await post({ "x-github-event": "issues", "x-github-delivery": "streamed", "x-hub-signature-256": "sha256=00", "transfer-encoding": "chunked" }, endless);

    expect(answer.status).toBe(413);
    expect(await DeliveryModel.countDocuments()).toBe(0);
  });
});
