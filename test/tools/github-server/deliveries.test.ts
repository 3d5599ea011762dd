import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import { DeliveryLog, type Delivery } from "../../../tools/github-server/webhooks/deliveries.js";
import { allowLoopback, allPages, appJwt, call, specErrors, startSmallServer } from "./helpers.js";
import { Receiver } from "./receiver.js";

interface Item {
  id: number;
  guid: string;
  redelivery: boolean;
  status: string;
  status_code: number;
  delivered_at: string;
  event: string;
}

const DAY = 24 * 3_600_000;
const receiver = new Receiver();
let server: GitHubServer;

const deliveriesUrl = (query = "") => `${server.apiUrl}/app/hook/deliveries${query}`;
const newest = async () => (await call<Item[]>(deliveriesUrl("?per_page=1"), { token: appJwt() })).body[0]!;
const redeliver = (id: number) => call(`${server.apiUrl}/app/hook/deliveries/${id}/attempts`, { method: "POST", token: appJwt() });

/** Redelivers and waits until the attempt is recorded: the newest delivery is then that attempt. */
async function redelivered(id: number): Promise<Item> {
  const accepted = await redeliver(id);
  expect(accepted.status).toBe(202);
  await server.webhooksSettled();
  return newest();
}

beforeAll(async () => {
  allowLoopback();
  await receiver.start();
  server = await startSmallServer({ app: { webhookUrl: receiver.url }, webhookTimeoutMs: 300 });
});

afterAll(async () => {
  await server.close();
  await receiver.stop();
});

describe("GET /app/hook/deliveries", () => {
  it("pages newest first by the cursor in the Link header, per_page at most 100", async () => {
    const sent = await server.simulateActivity({ issues: 25 });
    const { items, pages } = await allPages<Item>(deliveriesUrl("?per_page=10"), appJwt());
    expect(pages).toBe(Math.ceil(items.length / 10));
    expect(items.map((item) => item.id)).toEqual(items.map((item) => item.id).toSorted((a, b) => b - a));
    expect(items.slice(0, sent.length).map((item) => item.guid)).toEqual(sent.map((delivery) => delivery.guid).reverse());
    const first = await call<Item[]>(deliveriesUrl("?per_page=10"), { token: appJwt() });
    expect(first.headers.link).toMatch(/^<[^>]*\/app\/hook\/deliveries\?per_page=10&cursor=[^>]+>; rel="next"$/);
    expect((await call<Item[]>(deliveriesUrl("?per_page=500"), { token: appJwt() })).body).toHaveLength(Math.min(100, items.length));
    expect(specErrors("GET", "/app/hook/deliveries", 200, first.body)).toEqual([]);
  });

  it("filters by outcome as GitHub documents it: success is 200–399, failure 400–599", async () => {
    receiver.answer = 500;
    const [failed] = await server.simulateActivity({ issues: 1 });
    receiver.answer = 202;
    expect(failed).toMatchObject({ status: "Invalid HTTP Response: 500", statusCode: 500 });
    const failures = await allPages<Item>(deliveriesUrl("?status=failure&per_page=2"), appJwt());
    expect(failures.items.map((item) => item.id)).toEqual([failed!.id]);
    const successes = await allPages<Item>(deliveriesUrl("?status=success&per_page=7"), appJwt());
    expect(successes.items.length).toBeGreaterThan(20);
    expect(successes.items.every((item) => item.status === "OK")).toBe(true);
    expect((await call(deliveriesUrl("?status=maybe"), { token: appJwt() })).status).toBe(422);
    expect((await call(deliveriesUrl("?cursor=not-one-of-ours"), { token: appJwt() })).status).toBe(400);
  });

  it("needs the app's JWT", async () => {
    expect((await call(deliveriesUrl(), {})).status).toBe(401);
  });
});

describe("POST /app/hook/deliveries/{delivery_id}/attempts", () => {
  it("answers 202 at once and redelivers under the same GUID, recorded as a new attempt", async () => {
    const [original] = await server.simulateActivity({ issues: 1 });
    receiver.received = [];
    const accepted = await redeliver(original!.id);
    expect(accepted).toMatchObject({ status: 202, body: {} });
    await server.webhooksSettled();
    const attempt = await newest();
    expect(attempt).toMatchObject({ guid: original!.guid, redelivery: true, status: "OK", status_code: 202, event: "issues" });
    expect(attempt.id).toBeGreaterThan(original!.id);
    const [again] = receiver.received;
    expect(again!.headers["x-github-delivery"]).toBe(original!.guid);
    expect(again!.raw).toBe(JSON.stringify(original!.request.payload));
    const detail = await call(`${server.apiUrl}/app/hook/deliveries/${attempt.id}`, { token: appJwt() });
    expect(detail.body).toMatchObject({ guid: original!.guid, redelivery: true, request: { payload: original!.request.payload } });
    expect(specErrors("GET", "/app/hook/deliveries/{delivery_id}", 200, detail.body)).toEqual([]);
  });

  it("records a failed attempt while the app is down, and a successful one once it is back", async () => {
    const [original] = await server.simulateActivity({ issues: 1 });
    await receiver.stop();
    try {
      expect(await redelivered(original!.id)).toMatchObject({ guid: original!.guid, redelivery: true, status: "failed to connect to host", status_code: 0 });
    } finally {
      await receiver.start();
    }
    expect(await redelivered(original!.id)).toMatchObject({ guid: original!.guid, redelivery: true, status: "OK" });
    const attempts = (await allPages<Item>(deliveriesUrl("?per_page=100"), appJwt())).items.filter((item) => item.guid === original!.guid);
    expect(attempts.map((item) => [item.redelivery, item.status])).toEqual([
      [true, "OK"],
      [true, "failed to connect to host"],
      [false, "OK"],
    ]);
  });

  it("records a receiver that does not answer in time as timed out", async () => {
    const [original] = await server.simulateActivity({ issues: 1 });
    receiver.answer = "hang";
    try {
      expect(await redelivered(original!.id)).toMatchObject({ guid: original!.guid, status: "timed out", status_code: 0 });
    } finally {
      receiver.answer = 202;
    }
  });

  it("refuses deliveries older than 3 days (422) and unknown ones (404)", async () => {
    const realNow = server.context.now;
    server.context.now = () => realNow() - 3 * DAY - 60_000;
    const [old] = await server.simulateActivity({ issues: 1 }).finally(() => (server.context.now = realNow));
    expect((await redeliver(old!.id)).status).toBe(422);
    expect((await redeliver(old!.id + 1_000_000)).status).toBe(404);
  });
});

describe("the delivery log", () => {
  const attempt = (log: DeliveryLog, statusCode: number): Delivery => {
    const delivery = { id: log.allocateId(), statusCode } as Delivery;
    log.record(delivery);
    return delivery;
  };

  it("pages tens of thousands of deliveries by binary search, with or without an outcome", () => {
    const log = new DeliveryLog();
    const recorded = Array.from({ length: 50_000 }, (_, index) => attempt(log, index % 10 === 0 ? 0 : index % 3 === 0 ? 500 : 200));
    const walk = (outcome?: "success" | "failure") => {
      const ids: number[] = [];
      for (let page = log.page(null, 100, outcome); page; page = page.next ? log.page(page.next, 100, outcome) : undefined) ids.push(...page.items.map((d) => d.id));
      return ids;
    };
    expect(walk()).toEqual(recorded.map((d) => d.id).reverse());
    expect(walk("failure")).toEqual(recorded.filter((d) => d.statusCode === 500).map((d) => d.id).reverse());
    expect(walk("success")).toEqual(recorded.filter((d) => d.statusCode === 200).map((d) => d.id).reverse());
    expect(log.find(recorded[31_234]!.id)).toBe(recorded[31_234]);
    expect(log.find(50_001)).toBeUndefined();
  });
});

describe("/_control (for other processes)", () => {
  it("drives deletions, transfers and repository removals, and waits for webhooks to settle", async () => {
    const control = (path: string, body?: unknown) => call(`${server.url}/_control${path}`, { method: body === undefined ? "GET" : "POST", ...(body !== undefined && { body }) });
    const activity = await control("/activity", { deletions: 1, transfers: 1 });
    expect(activity.body.map((d: { action: string }) => d.action)).toEqual(expect.arrayContaining(["deleted", "transferred"]));
    const repository = server.org.org.repos.at(-1)!.name;
    const removal = await control("/repositories", { remove: [repository] });
    expect(removal.body).toEqual([expect.objectContaining({ event: "installation_repositories", action: "removed", status: "OK" })]);
    expect((await control("/org")).body.installation.repositories).not.toContain(repository);
    expect((await redeliver(removal.body[0].id)).status).toBe(202);
    expect((await control("/webhooks/settled")).body).toEqual({ settled: true });
    expect(await newest()).toMatchObject({ guid: removal.body[0].guid, redelivery: true });
  });
});
