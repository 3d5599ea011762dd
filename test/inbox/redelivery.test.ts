import type { components } from "@octokit/openapi-types";
import nock from "nock";
import { pino } from "pino";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { redeliverFailedDeliveries, scheduleRedelivery } from "../../src/inbox/redelivery.js";
import { storeReceivedDelivery } from "../../src/storage/deliveries.js";
import { RedeliveryModel } from "../../src/storage/models/redelivery.js";
import { advanceRedeliveryCheckpoint, redeliveryCheckpoint } from "../../src/storage/redeliveries.js";
import { together } from "../helpers/contention.js";
import { clearDatabase } from "../helpers/database.js";
import { createTestProbot } from "../helpers/probot.js";

type Attempt = components["schemas"]["hook-delivery-item"];

const api = () => nock("https://api.github.com");
const silent = pino({ level: "silent" });
const LIST = "/app/hook/deliveries";

let now: Date;
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

/** One attempt as GitHub lists it; status code 0 is a connection GitHub could not make. */
function attempt(id: number, guid: string, minutes: number, statusCode: number): Attempt {
  return {
    id,
    guid,
    delivered_at: minutesAgo(minutes).toISOString(),
    redelivery: false,
    duration: 0.1,
    status: statusCode === 202 ? "OK" : `Invalid HTTP Response: ${statusCode}`,
    status_code: statusCode,
    event: "pull_request",
    action: "opened",
    installation_id: 7,
    repository_id: 70,
  };
}

/**
 * The app's deliveries, newest first, in pages linked by cursor as GitHub links them; `more` links the last page to
 * one that is not mocked (a pass that requested it would fail). `times` serves the listing to that many passes.
 */
function mockDeliveries(pages: Attempt[][], { more = false, times = 1 } = {}) {
  const cursorAfter = (page: Attempt[]) => `v1_${page.at(-1)!.id}`;
  pages.forEach((page, index) => {
    const next = pages[index + 1] || more ? `<https://api.github.com${LIST}?per_page=100&cursor=${cursorAfter(page)}>; rel="next"` : undefined;
    api()
      .get(LIST)
      .query({ per_page: 100, ...(index > 0 && { cursor: cursorAfter(pages[index - 1]!) }) })
      .times(times)
      .reply(200, page, next ? { link: next } : {});
  });
}

/** GitHub accepting to redeliver each of these attempts, once. */
function mockRedeliveries(...attemptIds: number[]) {
  for (const id of attemptIds) api().post(`${LIST}/${id}/attempts`).reply(202, {});
}

const askOf = (guid: string) => RedeliveryModel.findById(guid).lean();

let probot = createTestProbot();
const pass = () => redeliverFailedDeliveries(probot, silent, now);

beforeEach(async () => {
  await clearDatabase();
  probot = createTestProbot();
  now = new Date();
});

describe("redelivering deliveries that failed", () => {
  it("reads back to the checkpoint and asks only for failed deliveries the inbox does not hold", async () => {
    await advanceRedeliveryCheckpoint(minutesAgo(60));
    await storeReceivedDelivery({
      deliveryId: "in-inbox",
      event: "pull_request",
      action: "opened",
      installationId: 7,
      repositoryId: 70,
      body: "{}",
      lane: null,
      receivedAt: minutesAgo(30),
    });
    mockDeliveries(
      [
        [
          { ...attempt(10, "failed-then-redelivered", 10, 202), redelivery: true },
          attempt(9, "answered-503", 20, 503),
          attempt(8, "never-connected", 25, 0),
          attempt(7, "in-inbox", 30, 504),
        ],
        [
          attempt(6, "failed-then-redelivered", 40, 503),
          attempt(5, "in-the-overlap", 62, 500),
          attempt(4, "before-the-checkpoint", 70, 503),
        ],
      ],
      { more: true },
    );
    mockRedeliveries(9, 8, 5);

    expect(await pass()).toEqual({ listed: 6, pages: 2, asked: 3, refused: 0 });

    expect(await redeliveryCheckpoint()).toEqual(minutesAgo(10));
    expect(await RedeliveryModel.find().sort({ _id: 1 }).lean()).toEqual([
      expect.objectContaining({ _id: "answered-503", attemptId: 9, asks: 1, askedAt: now, refusedStatus: null }),
      expect.objectContaining({ _id: "in-the-overlap", attemptId: 5, asks: 1 }),
      expect.objectContaining({ _id: "never-connected", attemptId: 8, asks: 1 }),
    ]);
  });

  it("goes back 3 days on the first pass", async () => {
    mockDeliveries([[attempt(2, "two-days-old", 2 * 24 * 60, 503), attempt(1, "too-old", 3 * 24 * 60 + 1, 503)]], { more: true });
    mockRedeliveries(2);

    expect(await pass()).toEqual({ listed: 1, pages: 1, asked: 1, refused: 0 });
    expect(await redeliveryCheckpoint()).toEqual(minutesAgo(2 * 24 * 60));
  });

  it("stores now as the checkpoint when GitHub lists nothing", async () => {
    mockDeliveries([[]]);

    expect(await pass()).toEqual({ listed: 0, pages: 1, asked: 0, refused: 0 });
    expect(await redeliveryCheckpoint()).toEqual(now);
  });

  it("asks for a delivery once per failed attempt, for its newest, and at most three times", async () => {
    /** A pass over these failed attempts of one delivery (newest first), GitHub accepting to redeliver `askedFor`. */
    const passOver = async (attemptIds: number[], askedFor?: number) => {
      mockDeliveries([attemptIds.map((id) => attempt(id, "flaky", 10 - id, 503))]);
      if (askedFor) mockRedeliveries(askedFor);
      return (await pass()).asked;
    };
    expect(await passOver([1], 1)).toBe(1);
    // No newer failed attempt: the redelivery asked for has not been made, or not failed, yet.
    expect(await passOver([1])).toBe(0);
    expect(await passOver([2, 1], 2)).toBe(1);
    // Two newer failed attempts (someone redelivered it by hand too): their newest is asked for, once.
    expect(await passOver([4, 3, 2, 1], 4)).toBe(1);
    // Asked three times already.
    expect(await passOver([5, 4, 3, 2, 1])).toBe(0);

    expect(await askOf("flaky")).toMatchObject({ attemptId: 4, asks: 3 });
  });

  it("records a delivery GitHub refuses to redeliver and never asks for it again", async () => {
    mockDeliveries([[attempt(1, "too-old-for-github", 5, 503)]]);
    api().post(`${LIST}/1/attempts`).reply(422, { message: "Validation Failed" });

    expect(await pass()).toMatchObject({ asked: 0, refused: 1 });
    expect(await askOf("too-old-for-github")).toMatchObject({ attemptId: 1, asks: 1, refusedStatus: 422 });

    // Even a newer failed attempt (someone redelivered it by hand) is not asked for.
    mockDeliveries([[attempt(2, "too-old-for-github", 1, 503), attempt(1, "too-old-for-github", 5, 503)]]);
    expect(await pass()).toMatchObject({ asked: 0, refused: 0 });
  });

  it("keeps the checkpoint when a pass fails midway, and asks again what GitHub could not be asked", async () => {
    await advanceRedeliveryCheckpoint(minutesAgo(60));
    const newer = [attempt(4, "not-reached", 5, 503), attempt(3, "github-down-when-asked", 6, 503)];
    const older = [attempt(2, "on-the-second-page", 30, 503)];
    mockDeliveries([newer]);
    api().post(`${LIST}/3/attempts`).reply(502, { message: "Server Error" });

    await expect(pass()).rejects.toMatchObject({ status: 502 });
    expect(await redeliveryCheckpoint()).toEqual(minutesAgo(60));
    expect(await askOf("github-down-when-asked")).toBeNull();

    mockDeliveries([newer], { more: true });
    api().get(LIST).query({ per_page: 100, cursor: "v1_3" }).reply(500, { message: "Server Error" });

    await expect(pass()).rejects.toMatchObject({ status: 500 });
    expect(await redeliveryCheckpoint()).toEqual(minutesAgo(60));

    mockDeliveries([newer, older]);
    mockRedeliveries(2, 3, 4);

    expect(await pass()).toMatchObject({ pages: 2, asked: 3 });
    expect(await redeliveryCheckpoint()).toEqual(minutesAgo(5));
  });

  it("asks oldest first, so an installation's events come back in the order they happened", async () => {
    const asked: number[] = [];
    const page = [attempt(30, "repository-removed", 1, 0), attempt(20, "pull-request-closed", 2, 0), attempt(21, "pull-request-closed", 1, 0)];
    mockDeliveries([page, [attempt(10, "pull-request-opened", 3, 0)]]);
    for (const id of [30, 21, 10]) {
      api()
        .post(`${LIST}/${id}/attempts`)
        .reply(202, () => (asked.push(id), {}));
    }

    await pass();

    // The closed event's first attempt came before the removal's, so its newest attempt is asked before the removal.
    expect(asked).toEqual([10, 21, 30]);
  });

  it("asks for each delivery once when two passes run at once, and once again after a newer failure", async () => {
    const guids = Array.from({ length: 12 }, (_, i) => `concurrent-${i}`);
    const firstAttempts = guids.map((guid, i) => attempt(100 - i, guid, 30 + i, 503));
    mockDeliveries([firstAttempts], { times: 2 });
    mockRedeliveries(...firstAttempts.map(({ id }) => Number(id)));

    const first = await together(2, pass);
    expect(first.reduce((sum, { asked }) => sum + asked, 0)).toBe(guids.length);

    const secondAttempts = guids.map((guid, i) => attempt(200 - i, guid, 10 + i, 503));
    mockDeliveries([[...secondAttempts, ...firstAttempts]], { times: 2 });
    mockRedeliveries(...secondAttempts.map(({ id }) => Number(id)));

    const second = await together(2, pass);
    expect(second.reduce((sum, { asked }) => sum + asked, 0)).toBe(guids.length);
    expect(await RedeliveryModel.find({ asks: 2 }).countDocuments()).toBe(guids.length);
  });
});

describe("the redelivery schedule", () => {
  it("runs a pass at once and again after the interval, logs a failed one as one line, and stops", async () => {
    await probot.auth(); // Probot sets up its logger asynchronously
    const lines: Record<string, unknown>[] = [];
    // The pass's own start and end lines (which replica ran it) are left out: what is checked is what it says.
    const log = pino<string>({ level: "debug" }, { write: (line: string) => void (JSON.parse(line).pass === undefined && lines.push(JSON.parse(line))) });
    vi.spyOn(probot.log, "child").mockReturnValue(log);
    api().get(LIST).query({ per_page: 100 }).reply(500, { message: "Server Error" });
    mockDeliveries([[]]);

    const stop = scheduleRedelivery(probot, 200);
    await vi.waitFor(() => expect(lines).toHaveLength(2), { interval: 5 });
    await stop();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(lines).toEqual([
      expect.objectContaining({ level: 40, reason: expect.stringContaining("Server Error"), msg: "redelivery pass failed; the next one tries again" }),
      expect.objectContaining({ level: 20, asked: 0, msg: "asked GitHub to redeliver 0 deliveries that failed" }),
    ]);
    expect(lines[0]).not.toHaveProperty("err");
  });
});
