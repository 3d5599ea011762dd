import nock from "nock";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { requestBackfill } from "../../src/backfill/control.js";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { CommitModel } from "../../src/storage/models/commit.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { TicketModel } from "../../src/storage/models/ticket.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { mockInstallationToken, scriptedOrganization, serveChangeProbes, serveGraphQL, type ScriptedRepository } from "../helpers/scripted-github.js";

const INSTALLATION = 77;
const MINUTE = 60_000;
const silent = pino({ level: "silent" });

// GitHub's times have whole seconds; the previous run's start, as stored, has milliseconds.
const PREVIOUS_RUN_STARTED = new Date(Math.floor(Date.now() / 1000) * 1000 - 10 * MINUTE + 600);
const ITS_SECOND = new Date(PREVIOUS_RUN_STARTED.getTime() - 600);

let probot = createTestProbot();

beforeEach(async () => {
  await clearDatabase();
  probot = createTestProbot();
});

/** The small repository of the scripted organization, imported in full; its imports say they last ran at `PREVIOUS_RUN_STARTED`. */
async function importedRepository(): Promise<ScriptedRepository> {
  const beta = scriptedOrganization()[1]!;
  mockInstallationToken(INSTALLATION);
  serveGraphQL([beta]);
  await installOrganization(probot, INSTALLATION, "acme", [beta]);
  await runJobs();
  await ImportStatusModel.updateMany({ repositoryId: beta.id }, { $set: { lastSyncedAt: PREVIOUS_RUN_STARTED } });
  return beta;
}

function runJobs() {
  return new Worker({ handlers: backfillJobHandlers({ probot, budget: new RateBudget(), log: silent }), log: silent, concurrency: 1, pollMs: 10 }).idle();
}

/** An incremental run of every service, after GitHub's change probes said something changed. */
async function syncAgain(repo: ScriptedRepository) {
  serveChangeProbes([repo], 2);
  nock("https://api.github.com").get(`/repos/${repo.owner}/${repo.name}/commits`).query(true).reply(200, [], { etag: '"changed"' });
  await requestBackfill(INSTALLATION, { services: ["repos", "pullRequests", "tickets"] });
  await runJobs();
}

/** A commit GitHub has on the default branch now, committed at `at`. */
function addCommit(repo: ScriptedRepository, sha: string, at: Date) {
  const [newest] = repo.commits;
  const actor = { ...newest!.author, date: at.toISOString() };
  repo.commits.push({ ...newest!, oid: sha, author: actor, committer: actor });
  repo.commits.sort((a, b) => b.committer.date.localeCompare(a.committer.date));
}

describe("an incremental sync", () => {
  it("re-reads what changed in the second the previous run started, before it did", async () => {
    const beta = await importedRepository();
    const changed = ITS_SECOND.toISOString();
    addCommit(beta, "c".repeat(40), ITS_SECOND);
    const [issue] = beta.issues;
    beta.issues.push({ ...issue!, id: "I_new", databaseId: 9001, number: 90, updatedAt: changed });
    const [pullRequest] = beta.pullRequests;
    beta.pullRequests.push({ ...pullRequest!, id: "PR_new", databaseId: 9002, number: 91, updatedAt: changed });

    await syncAgain(beta);

    expect({
      commit: await CommitModel.countDocuments({ sha: "c".repeat(40) }),
      ticket: (await TicketModel.findOne({ githubId: 9001 }).lean())?.updatedAt,
      pullRequest: (await PullRequestModel.findOne({ githubId: 9002 }).lean())?.updatedAt,
    }).toEqual({ commit: 1, ticket: ITS_SECOND, pullRequest: ITS_SECOND });
  });

  it("re-reads commits committed up to an hour before the previous run started: pushed after it, they were not there", async () => {
    const beta = await importedRepository();
    addCommit(beta, "d".repeat(40), new Date(PREVIOUS_RUN_STARTED.getTime() - 50 * MINUTE));

    await syncAgain(beta);

    expect(await CommitModel.countDocuments({ sha: "d".repeat(40) })).toBe(1);
  });
});

describe("a run resumed from its checkpoint", () => {
  it("reads, once it ends, what changed while it waited when an import was asked for meanwhile", async () => {
    const beta = await importedRepository();
    // A run interrupted after the first page of pull requests (the app stopped), its checkpoint still in place.
    const afterFirstPage = { phase: "recent", cursor: Buffer.from("cursor:1").toString("base64"), runStartedAt: PREVIOUS_RUN_STARTED };
    await ImportStatusModel.updateOne({ repositoryId: beta.id, service: "pullRequests" }, { $set: { state: "importing", checkpoint: afterFirstPage } });
    // Meanwhile the newest pull request changed on GitHub, and its webhook asked for a refresh.
    const changedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const newest = [...beta.pullRequests].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]!;
    newest.updatedAt = changedAt.toISOString();
    serveChangeProbes([beta], 1);
    await requestBackfill(INSTALLATION, { services: ["pullRequests"] });

    await runJobs();

    expect((await PullRequestModel.findOne({ githubId: newest.databaseId }).lean())?.updatedAt).toEqual(changedAt);
    expect(await ImportStatusModel.findOne({ repositoryId: beta.id, service: "pullRequests" }).lean()).toMatchObject({ state: "done", checkpoint: { cursor: null } });
  });
});
