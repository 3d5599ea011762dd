import { pino } from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probotOctokitWith } from "../../src/github/probot.js";
import { redeliverFailedDeliveries } from "../../src/inbox/redelivery.js";
import type { GitHubServer } from "../../tools/github-server/index.js";
import { APP_KEY, allowLoopback, loopbackFetch, startSmallServer } from "../tools/github-server/helpers.js";
import { Receiver } from "../tools/github-server/receiver.js";

const silent = pino({ level: "silent" });
const receiver = new Receiver();
let server: GitHubServer;
let probot: Probot;

beforeAll(async () => {
  allowLoopback();
  await receiver.start();
  server = await startSmallServer({ app: { webhookUrl: receiver.url }, webhookTimeoutMs: 300 });
  probot = new Probot({
    appId: 1,
    privateKey: APP_KEY,
    baseUrl: server.apiUrl,
    log: silent,
    Octokit: probotOctokitWith({ retry: { enabled: false }, throttle: { enabled: false } }),
    request: { fetch: loopbackFetch },
  });
});

afterAll(async () => {
  await server.close();
  await receiver.stop();
});

const guidsOf = (deliveries: { guid: string }[]) => deliveries.map(({ guid }) => guid).toSorted();

describe("redelivery against the GitHub-compatible server", () => {
  it("gets GitHub to send again, under the same GUID, the deliveries the app answered 503 or was down for", async () => {
    await server.simulateActivity({ issues: 1 }); // delivered: not asked for
    receiver.answer = 503;
    const answered503 = await server.simulateActivity({ issues: 2 });
    await receiver.stop();
    const whileDown = await server.simulateActivity({ issues: 2 });
    receiver.answer = 202;
    await receiver.start();
    receiver.received = [];

    expect(await redeliverFailedDeliveries(probot, silent)).toMatchObject({ asked: 4, refused: 0 });
    await server.webhooksSettled();

    const resent = receiver.received.map(({ headers }) => ({ guid: headers["x-github-delivery"]! }));
    expect(guidsOf(resent)).toEqual(guidsOf([...answered503, ...whileDown]));

    // Every delivery has now succeeded once: nothing is asked again.
    expect(await redeliverFailedDeliveries(probot, silent)).toMatchObject({ asked: 0 });
  });
});
