import Bottleneck from "bottleneck";
import { Redis } from "ioredis";
import nock from "nock";
import { pino } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { probotOptions, TributaryOctokit } from "../../src/github/probot.js";
import { TEST_PRIVATE_KEY } from "../helpers/probot.js";
import { mockInstallationToken } from "../helpers/scripted-github.js";

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;
type Throttle = { connection?: unknown; Bottleneck?: unknown };

/** The app's Probot as main.ts makes it from these variables, and the throttle options its clients are given. */
function appProbot(env: Record<string, string>) {
  const config = loadConfig({ APP_ID: "1", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s3cret", ...env });
  const given: Throttle[] = [];
  const Octokit = TributaryOctokit.defaults((options: OctokitOptions) => {
    given.push((options.throttle ?? {}) as Throttle);
    return options;
  });
  const probot = new Probot({ ...probotOptions(config.app!, config, pino({ level: "silent" })), Octokit });
  return { probot, given };
}

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await redis.quit();
});

describe("Probot's throttling", () => {
  it("shares its limiters, Tributary's GraphQL one included, through Redis when REDIS_URL is set", async () => {
    const { probot, given } = appProbot({ REDIS_URL: inject("redisUrl") });
    mockInstallationToken(77);
    nock("https://api.github.com")
      .get("/repos/acme/app")
      .reply(200, { id: 1, full_name: "acme/app" })
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "tributary[bot]" } } });

    const octokit = await probot.auth(77);
    await octokit.request("GET /repos/acme/app");
    await octokit.graphql("query { viewer { login } }");

    const connection = given.find((throttle) => throttle.connection)?.connection;
    expect(connection).toBeInstanceOf(Bottleneck.IORedisConnection);
    // The installation's limiters keep their state in Redis, for every replica: the plugin's requests limiter, and the
    // GraphQL queries' limiter Tributary adds.
    const keys = await redis.keys("b_*-77_settings");
    expect(keys).toEqual(expect.arrayContaining(["b_octokit-global-77_settings", "b_tributary-graphql-77_settings"]));
    await (connection as Bottleneck.IORedisConnection).disconnect();
  });

  it("keeps its limiters in the process without REDIS_URL", async () => {
    const { probot, given } = appProbot({});
    // No request: the plugin's limiters are made once per process by the first request, and the test above made them.
    await probot.auth();

    expect(given.length).toBeGreaterThan(0);
    for (const throttle of given) expect(throttle.connection).toBeUndefined();
  });
});
