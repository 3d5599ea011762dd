import { createHash } from "node:crypto";
import type { PullRequestRecord } from "../src/storage/pull-requests.js";

/** GitHub-sized ids, so the unique index holds keys like the real ones. */
const FIRST_ID = 1_900_000_000;
export const SYNTHETIC_REPOSITORIES = 200;
const PEOPLE = 300;
const COMMITS_PER_PULL_REQUEST = 6;
const HOUR = 3_600_000;
/** Generated history runs over 2023–2024; anything dated later is newer than every generated version. */
const HISTORY_START = Date.UTC(2023, 0, 1);
export const AFTER_HISTORY = Date.UTC(2025, 0, 1);

const AREAS = ["billing", "search", "onboarding", "notifications", "analytics", "auth", "exports", "scheduler"];
const LABELS = ["enhancement", "bug", "backend", "frontend", "dependencies", "needs-review", "performance"];

export const syntheticPullRequestId = (index: number) => FIRST_ID + index;
/** The repositories the pull requests belong to, `SYNTHETIC_REPOSITORIES` of them. */
export const syntheticRepositoryId = (index: number) => 600_000_000 + index;

const person = (index: number) => ({ id: 70_000_000 + (index % PEOPLE), login: `engineer-${index % PEOPLE}` });
const sha = (index: number, commit: number) => createHash("sha1").update(`${index}/${commit}`).digest("hex");

/**
 * The pull request numbered `index` as a backfill page stores it: every field the app keeps, reviewers, labels and
 * six commits — about 1.5 KB stored, like a typical pull request. Deterministic, so any stored one can be rebuilt
 * from its index instead of being held in memory.
 */
export function syntheticPullRequest(index: number): PullRequestRecord {
  const createdAt = HISTORY_START + (index % 17_000) * HOUR;
  const merged = index % 10 < 7;
  const closed = merged || index % 10 === 7;
  const area = AREAS[index % AREAS.length]!;
  return {
    githubId: syntheticPullRequestId(index),
    nodeId: `PR_kwDOB${syntheticPullRequestId(index).toString(36).toUpperCase()}`,
    repositoryId: syntheticRepositoryId(index % SYNTHETIC_REPOSITORIES),
    installationId: 41_000_000,
    number: Math.floor(index / SYNTHETIC_REPOSITORIES) + 1,
    title: `Move ${area} retries behind the shared job queue and drop the old cron path (#${index})`,
    author: person(index),
    state: merged ? "merged" : closed ? "closed" : "open",
    draft: index % 23 === 0,
    createdAt: new Date(createdAt),
    updatedAt: new Date(createdAt + 30 * HOUR),
    closedAt: closed ? new Date(createdAt + 28 * HOUR) : null,
    mergedAt: merged ? new Date(createdAt + 28 * HOUR) : null,
    mergedBy: merged ? person(index + 7) : null,
    baseRef: "main",
    headRef: `engineer-${index % PEOPLE}/${area}-retries-${index}`,
    additions: 40 + (index % 400),
    deletions: 10 + (index % 120),
    changedFiles: 1 + (index % 25),
    commitsCount: COMMITS_PER_PULL_REQUEST,
    labels: [LABELS[index % LABELS.length]!, LABELS[(index + 3) % LABELS.length]!],
    requestedReviewers: [person(index + 1), person(index + 2)],
    assignees: [person(index)],
    commentsCount: index % 9,
    firstCommentAt: new Date(createdAt + 2 * HOUR),
    reviewCommentsCount: index % 14,
    firstReviewCommentAt: new Date(createdAt + 3 * HOUR),
    commits: Array.from({ length: COMMITS_PER_PULL_REQUEST }, (_, commit) => ({
      sha: sha(index, commit),
      author: person(index),
      authoredAt: new Date(createdAt + commit * HOUR),
    })),
    commitsComplete: true,
  };
}

/** The same pull request as a `pull_request` webhook carries it (no commit list), updated at `updatedAt`. */
export function syntheticWebhookPullRequest(index: number, updatedAt: Date): PullRequestRecord {
  const { commits, commitsComplete, ...fields } = syntheticPullRequest(index);
  return { ...fields, updatedAt };
}
