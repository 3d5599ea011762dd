import { pino, type Logger } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { TributaryOctokit } from "../../src/github/probot.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { mockInstallationToken, scriptedOrganization, serveGraphQL, type Fault } from "../helpers/scripted-github.js";
import { expectScriptedOrganizationStored } from "../helpers/stored-organization.js";

const silent = pino({ level: "silent" });
const resetInOneSecond = () => String(Math.ceil(Date.now() / 1000) + 1);

/** Backfills the scripted organization through Tributary's own Octokit (throttling and retry on) while GitHub misbehaves. */
async function backfillWhile(fault: Fault, options: { queryTimeoutMs?: number; throttling?: boolean; log?: Logger } = {}) {
  const probot = options.throttling === false ? createTestProbot() : createTestProbot(TributaryOctokit);
  const org = scriptedOrganization();
  mockInstallationToken(77);
  const github = serveGraphQL(org, fault);
  await installOrganization(probot, 77, "acme", org);
  const log = options.log ?? silent;
  const handlers = backfillJobHandlers({ probot, budget: new RateBudget(), log, queryTimeoutMs: options.queryTimeoutMs });
  await new Worker({ handlers, log, concurrency: 1, pollMs: 10 }).idle();
  return github;
}

async function expectAllImportsDone() {
  const states = (await ImportStatusModel.find().lean()).map((status) => status.state);
  expect(states).toEqual(Array(6).fill("done"));
}

beforeEach(clearDatabase);

describe("rate limits and failures", () => {
  it("backs off for `retry-after` on a secondary rate limit, then continues", async () => {
    const github = await backfillWhile((call, nth) =>
      call.operation === "FirstPages" && nth === 1
        ? { status: 403, body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, headers: { "retry-after": "1" } }
        : undefined,
    );
    await expectScriptedOrganizationStored();
    await expectAllImportsDone();
    expect(github.calls.filter((call) => call.operation === "FirstPages")).toHaveLength(2);
  });

  it("waits for the reset when the primary rate limit is used up, then continues", async () => {
    const github = await backfillWhile((call, nth) =>
      call.operation === "RepositoryCommits" && nth === 1
        ? {
            status: 403,
            body: { message: "API rate limit exceeded for installation ID 77." },
            headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": resetInOneSecond() },
          }
        : undefined,
    );
    await expectScriptedOrganizationStored();
    await expectAllImportsDone();
    // Alpha's two pages (beta's commits came whole with the first pages), and the refused one again.
    expect(github.calls.filter((call) => call.operation === "RepositoryCommits")).toHaveLength(3);
  });

  it("postpones the import to the reset when a GraphQL query is refused for the primary limit, where the throttling does not see it", async () => {
    // GitHub refuses a query over the limit with 200 and a RATE_LIMITED error. Octokit's throttling recognises that
    // only at /graphql, not at GitHub Enterprise Server's /api/graphql: here it is off, as it is blind there.
    const refusal = {
      status: 200,
      body: { data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation ID 77." }] },
      headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": resetInOneSecond(), "x-ratelimit-resource": "graphql" },
    };
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const github = await backfillWhile((call, nth) => (call.operation === "FirstPages" && nth === 1 ? refusal : undefined), { throttling: false, log });
    await expectScriptedOrganizationStored();
    await expectAllImportsDone();
    expect(github.calls.filter((call) => call.operation === "FirstPages")).toHaveLength(2);
    // Waiting for the budget is not a failure: the job was postponed to the reset, nothing logged as an error.
    expect(lines.filter(({ msg }) => msg === "job postponed")).toHaveLength(1);
    expect(lines.filter(({ level }) => level >= 50)).toEqual([]);
  });

  it("retries a 502 with backoff and loses nothing", async () => {
    const github = await backfillWhile((call, nth) => (call.operation === "RepositoryCommits" && nth === 1 ? { status: 502 } : undefined));
    await expectScriptedOrganizationStored();
    await expectAllImportsDone();
    expect(github.calls.filter((call) => call.operation === "RepositoryCommits")).toHaveLength(3);
  });

  it("reads each import on its own when the first pages' query fails, and asks for a smaller issues page after GitHub's query timeout (502)", async () => {
    const github = await backfillWhile((call, nth) => (["FirstPages", "Issues"].includes(call.operation) && nth === 1 ? { status: 502 } : undefined));
    await expectScriptedOrganizationStored();
    await expectAllImportsDone();
    expect(github.calls.filter((call) => call.operation === "Issues").map((call) => call.variables.first)).toEqual([100, 50, 100]);
  });

  it("asks for a smaller page when a pull request query times out", async () => {
    const github = await backfillWhile(
      (call, nth) => (call.operation === "PullRequests" && nth === 1 ? { delayMs: 5_000 } : undefined),
      { queryTimeoutMs: 2_000 },
    );
    await expectScriptedOrganizationStored();
    await expectAllImportsDone();
    // Alpha's: beta's two came whole with the first pages.
    expect(github.calls.filter((call) => call.operation === "PullRequests").map((call) => call.variables.first)).toEqual([25, 12, 12, 12]);
  });
});
