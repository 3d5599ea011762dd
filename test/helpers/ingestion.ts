import type { InstallationLite } from "@octokit/webhooks-types";
import type { Probot } from "probot";
import { CommitModel } from "../../src/storage/models/commit.js";
import { JobModel } from "../../src/storage/models/job.js";
import { MemberModel } from "../../src/storage/models/member.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { RepositoryModel } from "../../src/storage/models/repository.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { TicketModel } from "../../src/storage/models/ticket.js";
import { deliver } from "./probot.js";
import { examplePayload } from "./webhooks.js";

/** The installation of the real `installation.created` example, which grants Codertocat/Hello-World. */
export const INSTALLATION_ID = 957387;
export const HELLO_WORLD = 186853002;

export const installationCreated = () =>
  examplePayload("installation", (p) => p.action === "created" && !("requester" in p && p.requester));

/** Installs the app (granting Hello-World) and drops the initial backfill, so a test sees only what its events queue. */
export async function install(probot: Probot): Promise<void> {
  await deliver(probot, "installation", installationCreated());
  await JobModel.deleteMany({});
}

/**
 * Most webhook examples were captured without an app installation; GitHub sends one to apps, so tests add it
 * (the installation of `installationCreated` unless told otherwise).
 */
export function inInstallation<T extends { installation?: InstallationLite }>(payload: T, installationId = INSTALLATION_ID): T {
  payload.installation = { id: installationId, node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${installationId}` };
  return payload;
}

/** A deterministic shuffle (mulberry32 + Fisher–Yates), so a failing seed can be replayed. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}

const INGESTED = { pullRequests: PullRequestModel, reviews: ReviewModel, tickets: TicketModel, commits: CommitModel, members: MemberModel, repositories: RepositoryModel };

/** Every ingested collection, without what differs between two equal databases (ids, sync times), in a stable order. */
export async function ingestedData(): Promise<Record<keyof typeof INGESTED, unknown[]>> {
  const entries = await Promise.all(
    Object.entries(INGESTED).map(async ([name, model]) => {
      const documents = await (model as typeof PullRequestModel).find({}, { _id: 0, __v: 0, syncedAt: 0 }).lean();
      return [name, documents.map(canonical).sort(byJson)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<keyof typeof INGESTED, unknown[]>;
}

/** Plain JSON with keys sorted: two databases may store the same fields in another order. */
function canonical(value: unknown): unknown {
  const plain: unknown = JSON.parse(JSON.stringify(value));
  const sortKeys = (item: unknown): unknown =>
    Array.isArray(item)
      ? item.map(sortKeys)
      : item && typeof item === "object"
        ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, sortKeys(inner)]))
        : item;
  return sortKeys(plain);
}

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
