import type { GitHubServer } from "../github-server/index.js";
import { installedRepos } from "../github-server/installation.js";
import type { GeneratedOrg } from "../github-server/org/generate.js";
import type { Repo } from "../github-server/org/model.js";
import type { DatabaseReader } from "./app-database.js";

/** How the stored records compare with the organization GitHub (the local server) holds. */
export interface TruthComparison {
  /** Records compared, by kind (what the truth expects to be stored). */
  checked: { pullRequests: number; tickets: number; reviews: number; commits: number; repositories: number };
  /** Expected records not stored, and deletions or transfers not recorded. */
  missing: number;
  /** Records stored more than once under one key. */
  duplicated: number;
  /** Records stored with an older version than GitHub's (an update lost, or undone by an older one). */
  rolledBack: number;
  /** Records that differ from GitHub's in another way (same time, other state; newer than GitHub's). */
  mismatched: number;
  /** Records stored that GitHub does not have (or had gone before the app was installed). */
  unexpected: number;
  /** Commits stored without the line counts GitHub has (the refresh a push asks for did not happen). */
  stale: number;
  /** Every discrepancy: its kind, the record it concerns (stable across comparisons) and what is wrong, in words. */
  discrepancies: Discrepancy[];
}

export type DiscrepancyKind = "missing" | "duplicated" | "rolledBack" | "mismatched" | "unexpected" | "stale";

export interface Discrepancy {
  kind: DiscrepancyKind;
  /** The record, e.g. `pull:123`: the same record keeps its key from one comparison to the next. */
  record: string;
  text: string;
}

export interface TruthScope {
  /** Repositories removed from the installation, with when: what changed in them afterwards the app cannot know. */
  removedRepos: Map<number, number>;
  /** Ids of issues deleted or transferred before the app was installed: the app never sees them. */
  goneBeforeInstall: Set<number>;
}

/** GitHub's timestamps in payloads and API answers have whole seconds. */
const seconds = (ms: number) => Math.floor(ms / 1000);
const iso = (ms: number) => new Date(ms).toISOString();

/** Ids of issues already deleted or transferred in the organization: taken before installing, see TruthScope. */
export function removedIssueIds(org: GeneratedOrg): Set<number> {
  const ids = new Set<number>();
  for (const repo of org.org.repos) for (const item of org.content(repo).items) if (item.kind === "deleted" || item.kind === "transferred") ids.add(item.id);
  return ids;
}

interface StoredIssueLike {
  githubId: number;
  repositoryId: number;
  number: number;
  state: string;
  updatedAt: Date;
  deletedAt?: Date | null;
  transferredTo?: string | null;
}

interface StoredReview {
  githubId: number;
  pullRequestId: number;
  state: string;
}

interface StoredCommit {
  repositoryId: number;
  sha: string;
  onDefaultBranch: boolean;
  additions: number | null;
}

interface StoredRepository {
  githubId: number;
  granted: boolean;
}

function byKey<T>(records: T[], key: (record: T) => string | number): { map: Map<string | number, T>; duplicated: Array<string | number> } {
  const map = new Map<string | number, T>();
  const duplicated: Array<string | number> = [];
  for (const record of records) {
    const k = key(record);
    if (map.has(k)) duplicated.push(k);
    else map.set(k, record);
  }
  return { map, duplicated };
}

/**
 * Compares the app's database with the organization's truth: every pull request, issue, review and default-branch
 * commit of the installed repositories (and of removed ones, up to their removal) stored once, at GitHub's state and
 * updated time; deleted issues marked deleted, transferred ones marked transferred; nothing stored GitHub lacks.
 */
export async function compareWithTruth(github: GitHubServer, db: DatabaseReader, scope: TruthScope): Promise<TruthComparison> {
  const org = github.org;
  const installation = github.installation();
  if (!installation) throw new Error("The app is not installed: there is no truth to compare with");
  const [pulls, tickets, reviews, commits, repositories] = await db.read((collection) =>
    Promise.all([
      collection("pullRequests").find({}, { projection: { githubId: 1, repositoryId: 1, number: 1, state: 1, updatedAt: 1 } }).toArray() as Promise<unknown> as Promise<StoredIssueLike[]>,
      collection("tickets").find({}, { projection: { githubId: 1, repositoryId: 1, number: 1, state: 1, updatedAt: 1, deletedAt: 1, transferredTo: 1 } }).toArray() as Promise<unknown> as Promise<StoredIssueLike[]>,
      collection("reviews").find({}, { projection: { githubId: 1, pullRequestId: 1, state: 1 } }).toArray() as Promise<unknown> as Promise<StoredReview[]>,
      collection("commits").find({}, { projection: { repositoryId: 1, sha: 1, onDefaultBranch: 1, additions: 1 } }).toArray() as Promise<unknown> as Promise<StoredCommit[]>,
      collection("repositories").find({}, { projection: { githubId: 1, granted: 1 } }).toArray() as Promise<unknown> as Promise<StoredRepository[]>,
    ]),
  );

  const result: TruthComparison = {
    checked: { pullRequests: 0, tickets: 0, reviews: 0, commits: 0, repositories: 0 },
    missing: 0,
    duplicated: 0,
    rolledBack: 0,
    mismatched: 0,
    unexpected: 0,
    stale: 0,
    discrepancies: [],
  };
  const note = (kind: DiscrepancyKind, record: string, text: string) => {
    result[kind] += 1;
    result.discrepancies.push({ kind, record, text });
  };

  const storedPulls = byKey(pulls, (record) => record.githubId);
  const storedTickets = byKey(tickets, (record) => record.githubId);
  const storedReviews = byKey(reviews, (record) => record.githubId);
  const storedCommits = byKey(commits, (record) => `${record.repositoryId}:${record.sha}`);
  const storedRepositories = byKey(repositories, (record) => record.githubId);
  for (const key of storedPulls.duplicated) note("duplicated", `pull:${key}`, `pull request id ${key}`);
  for (const key of storedTickets.duplicated) note("duplicated", `issue:${key}`, `issue id ${key}`);
  for (const key of storedReviews.duplicated) note("duplicated", `review:${key}`, `review id ${key}`);
  for (const key of storedCommits.duplicated) note("duplicated", `commit:${key}`, `commit ${key}`);
  for (const key of storedRepositories.duplicated) note("duplicated", `repository:${key}`, `repository id ${key}`);

  // Everything GitHub holds, known or not to the app: a stored record outside these is unexpected.
  const known = { pulls: new Set<number>(), issues: new Set<number>(), reviews: new Set<number>(), commits: new Set<string>() };
  const installed = new Set(installedRepos(installation, org.org.repos).map((repo) => repo.id));
  const name = (repo: Repo, number: number) => `${org.org.login}/${repo.name}#${number}`;

  const compareTimes = (record: string, what: string, stored: StoredIssueLike, updatedAt: number, state: string, context = "") => {
    const storedAt = seconds(stored.updatedAt.getTime());
    if (storedAt < seconds(updatedAt)) note("rolledBack", record, `${what}: stored ${stored.state} of ${stored.updatedAt.toISOString()}, GitHub has ${state} of ${iso(updatedAt)}${context}`);
    else if (storedAt > seconds(updatedAt)) note("mismatched", record, `${what}: stored ${stored.state} of ${stored.updatedAt.toISOString()} is newer than GitHub's ${state} of ${iso(updatedAt)}`);
    else if (stored.state !== state) note("mismatched", record, `${what}: stored ${stored.state}, GitHub has ${state} (both of ${iso(updatedAt)}: two changes in one second)`);
  };

  for (const repo of org.org.repos) {
    const isInstalled = installed.has(repo.id);
    const removedAt = scope.removedRepos.get(repo.id);
    const compared = isInstalled || removedAt !== undefined;
    // After a removal the app hears nothing of the repository: only what it could know is expected.
    const knowable = (at: number) => removedAt === undefined || seconds(at) <= seconds(removedAt);
    if (compared) {
      result.checked.repositories += 1;
      const stored = storedRepositories.map.get(repo.id);
      if (!stored) note("missing", `repository:${repo.id}`, `repository ${repo.name} (id ${repo.id})`);
      else if (stored.granted !== isInstalled) note("mismatched", `repository:${repo.id}`, `repository ${repo.name}: stored granted=${stored.granted}, ${isInstalled ? "installed" : "removed from the installation"} on GitHub`);
    }
    for (const item of org.content(repo).items) {
      if (item.kind === "pull") {
        known.pulls.add(item.id);
        const itemReviews = org.reviews(item);
        for (const review of itemReviews) known.reviews.add(review.id);
        if (!compared || !knowable(item.updatedAt)) continue;
        result.checked.pullRequests += 1;
        const state = item.mergedAt !== null ? "merged" : item.closedAt !== null ? "closed" : "open";
        const stored = storedPulls.map.get(item.id);
        // What moved the pull request last, to tell a lost event from a change no event carried.
        const lastReview = Math.max(0, ...itemReviews.map((review) => review.submittedAt));
        const lastCommit = Math.max(0, ...org.commits(item).map((commit) => commit.committedAt));
        const moves = `; its last review ${lastReview ? iso(lastReview) : "none"}, last commit ${lastCommit ? iso(lastCommit) : "none"}`;
        if (!stored) note("missing", `pull:${item.id}`, `pull request ${name(repo, item.number)} (id ${item.id})`);
        else compareTimes(`pull:${item.id}`, `pull request ${name(repo, item.number)}`, stored, item.updatedAt, state, moves);
        for (const review of itemReviews) {
          if (!knowable(review.submittedAt)) continue;
          result.checked.reviews += 1;
          const storedReview = storedReviews.map.get(review.id);
          if (!storedReview) note("missing", `review:${review.id}`, `review ${review.id} of ${name(repo, item.number)}`);
          else if (storedReview.state !== review.state) note("mismatched", `review:${review.id}`, `review ${review.id} of ${name(repo, item.number)}: stored ${storedReview.state}, GitHub has ${review.state}`);
          else if (storedReview.pullRequestId !== item.id) note("mismatched", `review:${review.id}`, `review ${review.id}: stored on pull request id ${storedReview.pullRequestId}, GitHub has ${item.id}`);
        }
      } else if (item.kind === "issue") {
        known.issues.add(item.id);
        if (!compared || !knowable(item.updatedAt)) continue;
        result.checked.tickets += 1;
        const stored = storedTickets.map.get(item.id);
        const state = item.closedAt !== null ? "closed" : "open";
        if (!stored) note("missing", `issue:${item.id}`, `issue ${name(repo, item.number)} (id ${item.id})`);
        else if (stored.deletedAt) note("mismatched", `issue:${item.id}`, `issue ${name(repo, item.number)}: stored as gone (${stored.transferredTo ? `transferred to ${stored.transferredTo}` : "deleted"}), GitHub has it ${state}`);
        else compareTimes(`issue:${item.id}`, `issue ${name(repo, item.number)}`, stored, item.updatedAt, state);
      } else {
        if (scope.goneBeforeInstall.has(item.id)) {
          // Gone before the app was installed: GitHub lists it nowhere, so nothing may be stored for it.
          if (storedTickets.map.has(item.id)) note("unexpected", `issue:${item.id}`, `issue ${name(repo, item.number)} (id ${item.id}) was ${item.kind} before the installation`);
          continue;
        }
        known.issues.add(item.id);
        if (!compared) continue;
        result.checked.tickets += 1;
        const stored = storedTickets.map.get(item.id);
        if (!stored) note("missing", `issue:${item.id}`, `${item.kind} issue ${name(repo, item.number)} (id ${item.id})`);
        else if (item.kind === "deleted" && (!stored.deletedAt || stored.transferredTo)) note("missing", `issue:${item.id}`, `deletion of issue ${name(repo, item.number)} not recorded (deletedAt ${stored.deletedAt?.toISOString() ?? null}, transferredTo ${stored.transferredTo ?? null})`);
        else if (item.kind === "transferred" && (!stored.deletedAt || stored.transferredTo !== item.transferredTo.fullName)) {
          note("missing", `issue:${item.id}`, `transfer of issue ${name(repo, item.number)} to ${item.transferredTo.fullName} not recorded (transferredTo ${stored.transferredTo ?? null})`);
        }
      }
    }
    for (const commit of org.branch(repo)) {
      const key = `${repo.id}:${commit.sha}`;
      known.commits.add(key);
      if (!compared || !knowable(commit.committedAt)) continue;
      result.checked.commits += 1;
      const stored = storedCommits.map.get(key);
      if (!stored) note("missing", `commit:${key}`, `commit ${commit.sha.slice(0, 12)} of ${repo.name}`);
      else if (!stored.onDefaultBranch) note("mismatched", `commit:${key}`, `commit ${commit.sha.slice(0, 12)} of ${repo.name}: stored off the default branch`);
      else if (stored.additions === null || stored.additions === undefined) {
        // Line counts come only from reading the commit (a push payload has none): of a repository removed before the
        // app could read it, the app may no longer read them.
        if (isInstalled) note("stale", `commit:${key}`, `commit ${commit.sha.slice(0, 12)} of ${repo.name}: no line counts stored`);
      }
      else if (stored.additions !== commit.additions) note("mismatched", `commit:${key}`, `commit ${commit.sha.slice(0, 12)} of ${repo.name}: ${stored.additions} additions stored, GitHub has ${commit.additions}`);
    }
  }

  for (const [id] of storedPulls.map) if (!known.pulls.has(id as number)) note("unexpected", `pull:${id}`, `pull request id ${id}`);
  for (const [id] of storedTickets.map) if (!known.issues.has(id as number) && !scope.goneBeforeInstall.has(id as number)) note("unexpected", `issue:${id}`, `issue id ${id}`);
  for (const [id] of storedReviews.map) if (!known.reviews.has(id as number)) note("unexpected", `review:${id}`, `review id ${id}`);
  for (const [key, commit] of storedCommits.map) if (!known.commits.has(key as string)) note("unexpected", `commit:${key}`, `commit ${commit.sha.slice(0, 12)} of repository ${commit.repositoryId}${commit.onDefaultBranch ? "" : " (off the default branch)"}`);
  return result;
}
