import nock from "nock";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { requestForcePushCleanup } from "../../src/backfill/control.js";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { saveCommits } from "../../src/storage/commits.js";
import { CommitModel } from "../../src/storage/models/commit.js";
import { JobModel } from "../../src/storage/models/job.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { mockInstallationToken, scriptedOrganization } from "../helpers/scripted-github.js";

const silent = pino({ level: "silent" });
const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const commit = (n: number) => ({ repositoryId: 501, installationId: 77, sha: sha(n), messageHeadline: `c${n}`, author: {}, committer: {} });

beforeEach(clearDatabase);

describe("force-push", () => {
  it("marks the commits a force-push dropped from the default branch, and keeps them", async () => {
    const probot = createTestProbot();
    const [alpha] = scriptedOrganization();
    await installOrganization(probot, 77, "acme", [alpha!]);
    await JobModel.deleteMany({}); // only the force-push job is under test here
    await saveCommits([1, 2, 3, 4].map(commit));
    await requestForcePushCleanup(77, { repositoryId: 501, before: sha(3), after: sha(9) });

    mockInstallationToken(77);
    nock("https://api.github.com")
      .get(`/repos/acme/alpha/compare/${sha(9)}...${sha(3)}`)
      .query({ per_page: 100, page: 1 })
      .reply(200, { commits: [{ sha: sha(2) }, { sha: sha(3) }] });
    await new Worker({ handlers: backfillJobHandlers({ probot, budget: new RateBudget(), log: silent }), log: silent }).idle();

    const onBranch = await CommitModel.find({}, { sha: 1, onDefaultBranch: 1, _id: 0 }).sort({ sha: 1 }).lean();
    expect(onBranch.map((c) => [c.sha, c.onDefaultBranch])).toEqual([
      [sha(1), true],
      [sha(2), false],
      [sha(3), false],
      [sha(4), true],
    ]);
  });
});
