import type { Model } from "mongoose";
import { beforeEach, describe, expect, it } from "vitest";
import { markCommitsOffDefaultBranch, saveCommits, type CommitRecord } from "../../src/storage/commits.js";
import { markMemberRemoved, saveMembers } from "../../src/storage/members.js";
import { CommitModel, MemberModel, PullRequestModel, ReviewModel, TicketModel } from "../../src/storage/models/index.js";
import { savePullRequests, type PullRequestRecord } from "../../src/storage/pull-requests.js";
import { saveReviews, type ReviewRecord } from "../../src/storage/reviews.js";
import { saveTickets, type TicketRecord } from "../../src/storage/tickets.js";
import { together } from "../helpers/contention.js";
import { clearDatabase } from "../helpers/database.js";

// Each write below is started before any is awaited, so they meet in the database. A database that applies an
// update as read → modify → replace without a condition (FerretDB v1) loses some of them: these specs then fail.

// Concurrent creations of one record can deadlock on DocumentDB; each deadlock takes PostgreSQL a second to tell.
const CONTENDED_TIMEOUT = 120_000;

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

function shuffled<T>(items: T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

function pullRequest(githubId: number, updatedAt: Date): PullRequestRecord {
  return {
    githubId, nodeId: `PR_${githubId}`, repositoryId: 1, installationId: 7, number: githubId, title: `as of ${updatedAt.toISOString()}`,
    state: "open", createdAt: day(0), updatedAt, baseRef: "main", headRef: "topic",
  };
}

function review(githubId: number, updatedAt: Date): ReviewRecord {
  // The state tells versions apart: day 1 COMMENTED, day 2 APPROVED, day 3 DISMISSED.
  const state = (["COMMENTED", "APPROVED", "DISMISSED"] as const)[updatedAt.getUTCDate() - 2]!;
  return { githubId, pullRequestId: 1, repositoryId: 1, installationId: 7, state, submittedAt: day(0), updatedAt };
}

function ticket(githubId: number, updatedAt: Date): TicketRecord {
  return { githubId, nodeId: `I_${githubId}`, repositoryId: 1, installationId: 7, number: githubId, title: `as of ${updatedAt.toISOString()}`, state: "open", createdAt: day(0), updatedAt };
}

beforeEach(clearDatabase);

describe("guarded writes of one pull request under contention", () => {
  it("16 writers with shuffled updated_at: the newest version wins, every round", async () => {
    const versions = range(16).map((minute) => new Date(day(1).getTime() + minute * 60_000));
    for (let round = 0; round < 20; round += 1) {
      // Even rounds race to create the pull request, odd rounds to update a stored one.
      if (round % 2 === 1) await savePullRequests([pullRequest(round, day(0))]);
      const order = shuffled(versions);
      await together(order.length, (writer) => savePullRequests([pullRequest(round, order[writer]!)]));

      const stored = await PullRequestModel.findOne({ githubId: round }).lean();
      expect(stored, `round ${round}`).toMatchObject({ updatedAt: versions.at(-1), title: pullRequest(round, versions.at(-1)!).title });
    }
    expect(await PullRequestModel.countDocuments()).toBe(20);
  }, CONTENDED_TIMEOUT);
});

interface VersionedEntity<R> {
  name: string;
  model: Model<any>;
  save: (records: R[]) => Promise<void>;
  record: (githubId: number, updatedAt: Date) => R;
  /** The stored fields that tell one version from another. */
  fields: (record: R) => Record<string, unknown>;
}

const ENTITIES = [
  { name: "pull requests", model: PullRequestModel, save: savePullRequests, record: pullRequest, fields: (r) => ({ title: r.title, updatedAt: r.updatedAt }) } satisfies VersionedEntity<PullRequestRecord>,
  { name: "reviews", model: ReviewModel, save: saveReviews, record: review, fields: (r) => ({ state: r.state, updatedAt: r.updatedAt }) } satisfies VersionedEntity<ReviewRecord>,
  { name: "tickets", model: TicketModel, save: saveTickets, record: ticket, fields: (r) => ({ title: r.title, updatedAt: r.updatedAt }) } satisfies VersionedEntity<TicketRecord>,
] as VersionedEntity<unknown>[];

describe.each(ENTITIES)("a backfill page of $name and webhooks for the same records, interleaved", (entity) => {
  it("leave each record at its newest version", async () => {
    const ids = range(300);
    // Half the records are stored already (an incremental sync); webhooks bring an older or a newer version of each.
    await entity.save(ids.filter((id) => id % 2 === 0).map((id) => entity.record(id, day(1))));
    const page = ids.map((id) => entity.record(id, day(2)));
    const webhooks = shuffled(ids.map((id) => entity.record(id, id % 3 === 0 ? day(3) : day(1))));

    await Promise.all([entity.save(page), ...webhooks.map((record) => entity.save([record]))]);

    const newest = ids.map((id) => entity.fields(entity.record(id, id % 3 === 0 ? day(3) : day(2))));
    const stored = await entity.model.find({}, { _id: 0, githubId: 1, ...Object.fromEntries(Object.keys(newest[0]!).map((field) => [field, 1])) }).lean();
    const storedById = new Map(stored.map(({ githubId, ...fields }) => [githubId as number, fields]));
    expect(ids.map((id) => storedById.get(id))).toEqual(newest);
  }, CONTENDED_TIMEOUT);
});

describe("stale pages racing the changes they predate", () => {
  const RECORDS = 100;
  /** Pages of 10 records, written in a shuffled order among the other writes, all at once. */
  const pagesOf = <T>(records: T[], save: (page: T[]) => Promise<void>) => range(records.length / 10).map((page) => () => save(records.slice(page * 10, page * 10 + 10)));
  const allAtOnce = (writes: (() => Promise<void>)[]) => Promise.all(shuffled(writes).map((write) => write()));

  it("a commits page read before a force-push never puts the commits it dropped back on the branch; a later page does", async () => {
    const sha = (n: number) => n.toString(16).padStart(40, "0");
    const actor = { name: "Ada", email: "ada@example.com", date: day(0) };
    const fromPush = (n: number): CommitRecord => ({
      repositoryId: 1, installationId: 7, sha: sha(n), messageHeadline: "Fix", author: { ...actor, user: null }, committer: { ...actor, user: null },
    });
    // The backfill links the GitHub user, so its page writes every commit while the force-push marks them.
    const fromBackfill = (n: number): CommitRecord => ({ ...fromPush(n), author: { ...actor, user: { id: 100, login: "ada" } } });
    const shas = range(RECORDS);
    await saveCommits(shas.map(fromPush));

    const readBeforeTheForcePush = day(1);
    await allAtOnce([
      ...pagesOf(shas.map(fromBackfill), (page) => saveCommits(page, { onDefaultBranchAsOf: readBeforeTheForcePush })),
      ...shas.map((n) => () => markCommitsOffDefaultBranch(1, [sha(n)], day(2))),
    ]);
    expect(await CommitModel.countDocuments({ onDefaultBranch: false, "author.user.id": 100 })).toBe(RECORDS);

    // Pushed back: a page read after that puts them on the branch, whatever a stale page written meanwhile says.
    await allAtOnce([
      ...pagesOf(shas.map(fromBackfill), (page) => saveCommits(page, { onDefaultBranchAsOf: day(3) })),
      ...pagesOf(shas.map(fromBackfill), (page) => saveCommits(page, { onDefaultBranchAsOf: readBeforeTheForcePush })),
    ]);
    expect(await CommitModel.countDocuments({ onDefaultBranch: true })).toBe(RECORDS);
  });

  it("a members page read before removals never reactivates the removed; a page read after a re-add does", async () => {
    const userIds = range(RECORDS);
    await saveMembers(7, userIds.map((userId) => ({ userId, login: `user-${userId}` })), day(0));

    // The page also follows login changes, so it writes every member while the removals land.
    const renamed = userIds.map((userId) => ({ userId, login: `renamed-${userId}` }));
    await allAtOnce([
      ...pagesOf(renamed, (page) => saveMembers(7, page, day(1))),
      ...userIds.map((userId) => () => markMemberRemoved(7, userId, day(2))),
    ]);
    expect(await MemberModel.countDocuments({ active: false, login: /^renamed-/ })).toBe(RECORDS);

    await allAtOnce([...pagesOf(renamed, (page) => saveMembers(7, page, day(3))), ...pagesOf(renamed, (page) => saveMembers(7, page, day(1)))]);
    expect(await MemberModel.countDocuments({ active: true })).toBe(RECORDS);
  });
});
