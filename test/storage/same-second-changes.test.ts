import type { Model } from "mongoose";
import { beforeEach, describe, expect, it } from "vitest";
import { PullRequestModel, ReviewModel, TicketModel } from "../../src/storage/models/index.js";
import { savePullRequests, type PullRequestRecord } from "../../src/storage/pull-requests.js";
import { saveReviews, type ReviewRecord } from "../../src/storage/reviews.js";
import { saveTickets, type TicketRecord } from "../../src/storage/tickets.js";
import { together } from "../helpers/contention.js";
import { clearDatabase } from "../helpers/database.js";
import { queriesSentBy } from "../helpers/query-plan.js";

// GitHub's updated_at has whole seconds: opened and merged in one second are two versions with one time.

// Concurrent creations of one record can deadlock on DocumentDB; each deadlock takes PostgreSQL a while to tell.
const CONTENDED_TIMEOUT = 120_000;

const SECOND = new Date("2026-03-02T21:45:18Z");
const BEFORE = new Date(SECOND.getTime() - 1000);
const AFTER = new Date(SECOND.getTime() + 1000);

function pullRequest(githubId: number, updatedAt: Date, state: string): PullRequestRecord {
  const closedAt = state === "open" ? null : updatedAt;
  return {
    githubId, nodeId: `PR_${githubId}`, repositoryId: 1, installationId: 7, number: githubId, title: "Change", state: state as PullRequestRecord["state"], createdAt: BEFORE,
    updatedAt, closedAt, mergedAt: state === "merged" ? updatedAt : null, baseRef: "main", headRef: "topic",
  };
}

function ticket(githubId: number, updatedAt: Date, state: string): TicketRecord {
  return {
    githubId, nodeId: `I_${githubId}`, repositoryId: 1, installationId: 7, number: githubId, title: "Bug", state: state as TicketRecord["state"], createdAt: BEFORE, updatedAt,
    closedAt: state === "closed" ? updatedAt : null,
  };
}

function review(githubId: number, updatedAt: Date, state: string): ReviewRecord {
  return { githubId, pullRequestId: 1, repositoryId: 1, installationId: 7, state: state as ReviewRecord["state"], submittedAt: state === "PENDING" ? null : updatedAt, updatedAt };
}

interface Lifecycle<R> {
  name: string;
  model: Model<any>;
  save: (records: R[]) => Promise<void>;
  record: (githubId: number, updatedAt: Date, stage: string) => R;
  /** The stages one second can see, in the order they happen. */
  stages: string[];
}

const LIFECYCLES = [
  { name: "pull requests", model: PullRequestModel, save: savePullRequests, record: pullRequest, stages: ["open", "closed", "merged"] } satisfies Lifecycle<PullRequestRecord>,
  { name: "tickets", model: TicketModel, save: saveTickets, record: ticket, stages: ["open", "closed"] } satisfies Lifecycle<TicketRecord>,
  { name: "reviews", model: ReviewModel, save: saveReviews, record: review, stages: ["PENDING", "APPROVED", "DISMISSED"] } satisfies Lifecycle<ReviewRecord>,
] as Lifecycle<unknown>[];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const range = (count: number) => Array.from({ length: count }, (_, i) => i);

beforeEach(clearDatabase);

describe.each(LIFECYCLES)("$name changed twice in one second", (lifecycle) => {
  const { model, save, record, stages } = lifecycle;
  const last = stages.at(-1)!;

  async function stored(githubId: number) {
    return model.findOne({ githubId }, { _id: 0, state: 1, updatedAt: 1 }).lean<{ state: string; updatedAt: Date }>();
  }

  it("ends at the last stage, written in every order", async () => {
    const orders = permutations(stages);
    for (const [githubId, order] of orders.entries()) {
      for (const stage of order) await save([record(githubId, SECOND, stage)]);
    }
    const states = await Promise.all(orders.map(async (order, githubId) => [order.join(" → "), (await stored(githubId))?.state]));
    expect(states).toEqual(orders.map((order) => [order.join(" → "), last]));
  });

  it("ends at the last stage, written all at once, whether they create the record or update it", async () => {
    for (let round = 0; round < 10; round += 1) {
      // Odd rounds update a version of the second before; even rounds race to create the record.
      if (round % 2 === 1) await save([record(round, BEFORE, stages[0]!)]);
      await together(4 * stages.length, (writer) => save([record(round, SECOND, stages[writer % stages.length]!)]));
      expect(await stored(round), `round ${round}`).toEqual({ state: last, updatedAt: SECOND });
    }
  }, CONTENDED_TIMEOUT);

  it("a page of the same second at an earlier stage sends no update at all; at the last stage it updates every record", async () => {
    const ids = range(50);
    await save(ids.map((id) => record(id, SECOND, stages[1]!)));

    expect(await queriesSentBy(() => save(ids.map((id) => record(id, SECOND, stages[0]!))))).toHaveLength(1);
    expect(await model.countDocuments({ state: stages[1] })).toBe(ids.length);

    await save(ids.map((id) => record(id, SECOND, last)));
    expect(await model.countDocuments({ state: last })).toBe(ids.length);
  });

  it("an older version never overwrites, whatever its stage; a newer one always does", async () => {
    await save([record(1, SECOND, stages[0]!)]);
    await save([record(1, BEFORE, last)]);
    expect(await stored(1)).toEqual({ state: stages[0], updatedAt: SECOND });

    await save([record(1, SECOND, last)]);
    await save([record(1, AFTER, stages[0]!)]);
    expect(await stored(1)).toEqual({ state: stages[0], updatedAt: AFTER });
  });
});
