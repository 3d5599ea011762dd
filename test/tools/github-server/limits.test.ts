import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer, GitHubServerOptions } from "../../../tools/github-server/index.js";
import { allowLoopback, call, graphql, installationToken, startSmallServer } from "./helpers.js";

let server: GitHubServer | undefined;

beforeAll(() => allowLoopback());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: GitHubServerOptions) {
  server = await startSmallServer(options);
  const token = await installationToken(server);
  const org = server.org.org;
  return { server, token, pulls: `${server.apiUrl}/repos/${org.login}/${org.repos[0]!.name}/pulls` };
}

const SMALL_QUERY = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { pullRequests(first: 5) { nodes { number } } } }`;

describe("the primary rate limit", () => {
  it("is reported in x-ratelimit headers and /rate_limit", async () => {
    const { server, token, pulls } = await start({});
    const answer = await call(pulls, { token });
    expect(answer.headers).toMatchObject({ "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", "x-ratelimit-used": "1", "x-ratelimit-resource": "core" });
    expect(Number(answer.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
    const overview = await call(`${server.apiUrl}/rate_limit`, { token });
    expect(overview.body.resources.core).toMatchObject({ limit: 5000, used: 1, remaining: 4999 });
  });

  it("answers 403 with GitHub's message once an installation's REST budget is spent", async () => {
    const { server, token, pulls } = await start({ rateLimit: { core: 3 } });
    for (let i = 0; i < 3; i += 1) expect((await call(pulls, { token })).status).toBe(200);
    const refused = await call(pulls, { token });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("API rate limit exceeded for installation ID 1.");
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
    // Another token of the same installation shares the budget, as on GitHub.
    expect((await call(pulls, { token: await installationToken(server) })).status).toBe(403);
    expect(server.stats().rateLimited.primary).toBe(2);
  });

  it("answers RATE_LIMITED (200) once the GraphQL points are spent", async () => {
    const { server, token } = await start({ rateLimit: { graphql: 2 } });
    const variables = { owner: server.org.org.login, name: server.org.org.repos[0]!.name };
    expect((await graphql(server, token, SMALL_QUERY, variables)).body.errors).toBeUndefined();
    expect((await graphql(server, token, SMALL_QUERY, variables)).body.errors).toBeUndefined();
    const refused = await graphql(server, token, SMALL_QUERY, variables);
    expect(refused.status).toBe(200);
    expect(refused.body.errors?.[0]).toMatchObject({ type: "RATE_LIMITED" });
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
  });
});

describe("secondary rate limits", () => {
  it("refuse concurrent requests above the threshold with retry-after", async () => {
    const { server, token, pulls } = await start({ secondaryLimit: { maxConcurrent: 2, status: 429, retryAfterSeconds: 7 }, faults: { latencyMs: 150 } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(pulls, { token })));
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(refused[0]!.headers["retry-after"]).toBe("7");
    expect(refused[0]!.body.message).toMatch(/secondary rate limit/);
    expect(server.stats().rateLimited.secondary).toBe(refused.length);
  });

  it("refuse requests above the points per minute with 403 by default", async () => {
    // The token request itself is a POST (5 points) by the app, a caller of its own.
    const { token, pulls } = await start({ secondaryLimit: { pointsPerMinute: 6 } });
    for (let i = 0; i < 6; i += 1) expect((await call(pulls, { token })).status).toBe(200);
    const refused = await call(pulls, { token });
    expect(refused.status).toBe(403);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
  });
});

describe("GitHub's query timeout, modelled from the nodes a query asks for", () => {
  it("answers 502 after the delay for a query over the node budget, and still charges its points", async () => {
    const { server, token } = await start({ graphql: { nodeBudget: 1000, timeoutDelayMs: 80 } });
    const variables = { owner: server.org.org.login, name: server.org.org.repos[0]!.name };
    const heavy = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
      pullRequests(first: 20) { nodes { commits(first: 100) { nodes { commit { oid } } } } } } }`;
    const started = Date.now();
    const answer = await graphql(server, token, heavy, variables);
    expect(answer.status).toBe(502);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(answer.headers["x-ratelimit-used"]).toBe("1");
    expect(server.stats().graphql).toMatchObject({ timeouts: 1, cost: 1, nodes: 2020 });
    expect((await graphql(server, token, SMALL_QUERY, variables)).status).toBe(200);
  });
});

describe("injected trouble", () => {
  it("adds latency, answers 5xx and drops connections at the configured rates", async () => {
    const slow = await start({ faults: { latencyMs: 60 } });
    const started = Date.now();
    await call(slow.pulls, { token: slow.token });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await slow.server.close();

    const failing = await startSmallServer({ faults: { errorRate: 1 } });
    expect((await call(`${failing.apiUrl}/rate_limit`)).status).toBe(502);
    expect(failing.stats().faults.errors).toBe(1);
    await failing.close();

    server = await startSmallServer({ faults: { resetRate: 1 } });
    await expect(call(`${server.apiUrl}/rate_limit`)).rejects.toThrow();
    expect(server.stats().faults.resets).toBe(1);
  });
});
