import { beforeEach, describe, expect, it } from "vitest";
import { saveCommits, type CommitRecord } from "../../src/storage/commits.js";
import { markPending } from "../../src/storage/import-statuses.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { savePullRequests } from "../../src/storage/pull-requests.js";
import { countStoredByRepository, recountStored } from "../../src/storage/stored-counts.js";
import { together } from "../helpers/contention.js";
import { clearDatabase } from "../helpers/database.js";

const INSTALLATION_ID = 7;
const REPOSITORIES = [701, 702];

const commit = (repositoryId: number, index: number): CommitRecord => ({
  repositoryId,
  installationId: INSTALLATION_ID,
  sha: `${repositoryId}-${String(index).padStart(4, "0")}`,
  messageHeadline: `change ${index}`,
});

const storedOn = async (repositoryId: number, service: "repos" | "pullRequests") =>
  (await ImportStatusModel.findOne({ repositoryId, service }, { stored: 1 }).lean())!.stored;

beforeEach(async () => {
  await clearDatabase();
  for (const service of ["repos", "pullRequests"] as const) await markPending(INSTALLATION_ID, REPOSITORIES, service);
});

describe("stored counts kept with the import status", () => {
  it("counts each record once while writers racing over the same records create them", async () => {
    // 6 writers, each with an overlapping window of the same 120 commits per repository: every commit is created by
    // one of them, and written again (or found stored) by the others.
    await together(6, (writer) =>
      saveCommits(REPOSITORIES.flatMap((repositoryId) => Array.from({ length: 60 }, (_, index) => commit(repositoryId, writer * 12 + index)))),
    );
    const counted = await countStoredByRepository(REPOSITORIES);
    for (const repositoryId of REPOSITORIES) {
      expect(counted.get(repositoryId)!.commits).toBe(120);
      expect((await storedOn(repositoryId, "repos"))!.commits).toBe(120);
    }
  });

  it("counts a pull request once, however often it is saved again, on its service's status", async () => {
    const pullRequest = { githubId: 9001, repositoryId: 701, number: 1, state: "open" as const, updatedAt: new Date("2026-01-01T00:00:00Z") };
    await savePullRequests([pullRequest]);
    await savePullRequests([{ ...pullRequest, state: "closed", updatedAt: new Date("2026-01-02T00:00:00Z") }]);
    expect(await storedOn(701, "pullRequests")).toMatchObject({ pullRequests: 1, commits: 0 });
    expect(await storedOn(701, "repos")).toMatchObject({ pullRequests: 0, commits: 0 });
  });

  it("is corrected by a re-count when it drifted (a process died between a write and its count)", async () => {
    await saveCommits(Array.from({ length: 30 }, (_, index) => commit(701, index)));
    await ImportStatusModel.updateOne({ repositoryId: 701, service: "repos" }, { $set: { "stored.commits": 4 } });
    await recountStored(701, "repos");
    expect((await storedOn(701, "repos"))!.commits).toBe(30);
    expect((await storedOn(702, "repos"))!.commits).toBe(0);
  });

  it("gives a status stored before counts were kept its count at the first re-count", async () => {
    await saveCommits(Array.from({ length: 12 }, (_, index) => commit(702, index)));
    await ImportStatusModel.collection.updateOne({ repositoryId: 702, service: "repos" }, { $unset: { stored: "" } });
    await recountStored(702, "repos");
    expect((await storedOn(702, "repos"))!.commits).toBe(12);
  });
});
