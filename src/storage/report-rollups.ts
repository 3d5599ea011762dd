import { setTimeout } from "node:timers/promises";
import { chunks, type VersionedRecord } from "./bulk-writes.js";
import type { Service } from "./models/import-status.js";
import { commitEntry, mergedPullRequestEntry, reviewEntry, ticketEntries } from "../reports/entries.js";
import { weekOf } from "../reports/weeks.js";
import { CommitModel } from "./models/commit.js";
import { PullRequestModel } from "./models/pull-request.js";
import { ReportWeekModel } from "./models/report-week.js";
import { ReviewModel } from "./models/review.js";
import { TicketModel } from "./models/ticket.js";
import { groupCommit } from "./group-commit.js";
import { isTransientConflict, statementErrors } from "./mongo-errors.js";

// Weekly rollups follow the records: after each write, the written records' entries are derived again from what is
// stored and set, each with one atomic single-document update. No transaction, no change stream, no read-modify-write.

/**
 * When a save's records get their report entries: "now", derived again right after the write; or "at-import-end",
 * when a full import derives every entry of its repository once, at its end (`rollUpRepository`), rather than page by
 * page (a resumed import ends the same way, so an entry a dying process never wrote is still derived).
 */
export type ReportDerivation = "now" | "at-import-end";

export type RollupSection = "merged" | "reviews" | "commits" | "opened" | "closed";

export const reportWeekId = (repositoryId: number, week: string) => `${repositoryId}/${week}`;

/** The GitHub ids of records written by their `{ githubId }` key. */
export const githubIdsOf = (records: VersionedRecord[]) => records.map((record) => record.key.githubId as number);

/**
 * The version of entries derived from records read from now on. Taken after the caller's write and before the read,
 * it orders derivations as their reads: of two writers racing over one record, the one that read later saw both
 * writes, carries the higher version, and its entry stays whichever is set last. (`performance` gives fractions of a
 * millisecond; processes on one host share the clock.)
 */
const readVersion = () => performance.timeOrigin + performance.now();

export interface GuardedWrite {
  repositoryId: number;
  week: string;
  section: RollupSection;
  id: string | number;
  /** The entry's fields; null sets a tombstone, which keeps the version so that an older derivation stays out. */
  entry: object | null;
  /** More of the same atomic update (the opened ticket's list of weeks). */
  also?: Record<string, Record<string, unknown>>;
}

export type VersionedWrite = GuardedWrite & { version: number };

const ATTEMPTS = 8;
const CONFLICT_BACKOFF_MS = 100;

/**
 * Sets entries unless a derivation from a later read set them already; returns, per write, whether it was applied.
 * Derivations made together (of reviews, pull requests, commits and tickets alike) are set together, and writes to
 * one week go as one update (one rewrite of its document, guarded on every entry it sets): a week's document holds
 * all its entries, and rewriting it once per entry, or once per derivation, made a busy week's writes wait on each
 * other. Of two writes of one entry in a group the one from the later read goes, as the guard would have it.
 */
function setGuarded(writes: GuardedWrite[], version: number): Promise<boolean[]> {
  if (writes.length === 0) return Promise.resolve([]);
  return setTogether(writes.map((write) => ({ ...write, version })));
}

const setTogether = groupCommit(async (calls: VersionedWrite[][]): Promise<boolean[][]> => {
  const applied = await setGuardedNow(calls.flat());
  let offset = 0;
  return calls.map((writes) => applied.slice(offset, (offset += writes.length)));
});

/**
 * One attempt and its retries at a group of writes. An upsert whose guard refuses meets the week's `_id` (a duplicate
 * key): a week's update refused so is split into its writes, and a single write refused so is the refusal. Two writers
 * creating one week both insert, and the loser meets the duplicate key too, so a single write's duplicate is tried
 * once more, against the document that exists now. Transient conflicts (DocumentDB deadlocks) are tried again after a
 * random wait.
 */
async function setGuardedNow(writes: VersionedWrite[]): Promise<boolean[]> {
  const { groups, superseded } = groupedByWeek(writes);
  const applied = writes.map((_, index) => !superseded.has(index));
  let pending = groups;
  const duplicatesSeen = new Set<number>();
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const retry: number[][] = [];
    try {
      await ReportWeekModel.collection.bulkWrite(
        pending.map((group) => ({ updateOne: { ...guardedUpdate(group.map((index) => writes[index]!)), upsert: true } })),
        { ordered: false },
      );
    } catch (error) {
      const failures = statementErrors(error);
      if (!failures) throw error;
      for (const failure of failures) {
        const group = pending[failure.index]!;
        if (failure.code === 11000 && group.length > 1) retry.push(...group.map((index) => [index]));
        else if (failure.code === 11000 && !duplicatesSeen.has(group[0]!)) {
          duplicatesSeen.add(group[0]!);
          retry.push(group);
        } else if (failure.code === 11000) applied[group[0]!] = false;
        else if (isTransientConflict(failure.code) && attempt < ATTEMPTS) retry.push(group);
        else throw error;
      }
    }
    if (retry.length > 0) await setTimeout(Math.random() * CONFLICT_BACKOFF_MS * attempt);
    pending = retry;
  }
  return applied;
}

/**
 * The writes (by index) of each week, one group per week, each entry once: of two writes of one entry, the one from
 * the later read (the higher version; the last given, on a tie) is kept and the other is superseded.
 */
export function groupedByWeek(writes: VersionedWrite[]): { groups: number[][]; superseded: Set<number> } {
  const byWeek = new Map<string, Map<string, number>>();
  const superseded = new Set<number>();
  writes.forEach(({ repositoryId, week, section, id, version }, index) => {
    const weekId = reportWeekId(repositoryId, week);
    const entries = byWeek.get(weekId) ?? new Map<string, number>();
    byWeek.set(weekId, entries);
    const path = `${section}.${id}`;
    const other = entries.get(path);
    if (other !== undefined && writes[other]!.version > version) {
      superseded.add(index);
      return;
    }
    if (other !== undefined) superseded.add(other);
    entries.set(path, index);
  });
  return { groups: [...byWeek.values()].map((entries) => [...entries.values()]), superseded };
}

/** One update of a week's document setting these entries (all of that week), each only where no later version is. */
function guardedUpdate(writes: VersionedWrite[]) {
  const { repositoryId, week } = writes[0]!;
  const filter: Record<string, unknown> = { _id: reportWeekId(repositoryId, week) };
  const update: Record<string, Record<string, unknown>> = { $setOnInsert: { repositoryId, week }, $set: {} };
  for (const { section, id, entry, also, version } of writes) {
    const path = `${section}.${id}`;
    filter[`${path}.v`] = { $not: { $gt: version } };
    update.$set![path] = { ...(entry ?? { gone: true }), v: version };
    for (const [operator, fields] of Object.entries(also ?? {})) update[operator] = { ...update[operator], ...fields };
  }
  return { filter: filter as never, update };
}

/** What a merged pull request's entry is derived from: not its labels, people lists or the rest of its commits. */
const MERGED_ENTRY_FIELDS = Object.fromEntries(
  ["githubId", "repositoryId", "number", "title", "author", "createdAt", "mergedAt", "readyForReviewAt", "additions", "deletions", "commits.authoredAt", "commitsComplete", "commitsCount"].map(
    (field) => [field, 1],
  ),
);

/** Derives the merged pull requests' entries again from the stored pull requests and their reviews. */
export async function rollUpPullRequests(pullRequestIds: number[]): Promise<void> {
  if (pullRequestIds.length === 0) return;
  const version = readVersion();
  const pullRequests = await PullRequestModel.find({ githubId: { $in: pullRequestIds }, mergedAt: { $ne: null } }, MERGED_ENTRY_FIELDS).lean();
  if (pullRequests.length === 0) return;
  const reviews = await ReviewModel.find(
    { pullRequestId: { $in: pullRequests.map((pr) => pr.githubId) } },
    { pullRequestId: 1, author: 1, state: 1, submittedAt: 1 },
  ).lean();
  await setGuarded(
    pullRequests.map((pr) => ({
      repositoryId: pr.repositoryId,
      week: weekOf(pr.mergedAt!),
      section: "merged",
      id: pr.githubId,
      entry: mergedPullRequestEntry(pr, reviews.filter((review) => review.pullRequestId === pr.githubId)),
    })),
    version,
  );
}

/** Derives the reviews' entries again, then their pull requests' (a review changes pickup, review time, approval). */
export async function rollUpReviews(reviewIds: number[]): Promise<void> {
  await rollUpPullRequests(await setReviewEntries(reviewIds));
}

/** Derives the reviews' own entries again; returns their pull requests' ids. */
async function setReviewEntries(reviewIds: number[]): Promise<number[]> {
  if (reviewIds.length === 0) return [];
  const version = readVersion();
  const reviews = await ReviewModel.find({ githubId: { $in: reviewIds } }, { githubId: 1, pullRequestId: 1, repositoryId: 1, author: 1, state: 1, submittedAt: 1 }).lean();
  await setGuarded(
    reviews.flatMap((review) =>
      review.submittedAt ? [{ repositoryId: review.repositoryId, week: weekOf(review.submittedAt), section: "reviews" as const, id: review.githubId, entry: reviewEntry(review) }] : [],
    ),
    version,
  );
  return [...new Set(reviews.map((review) => review.pullRequestId))];
}

/** Derives the commits' entries again (a commit gains its GitHub user, or leaves the default branch). */
export async function rollUpCommits(repositoryId: number, shas: string[]): Promise<void> {
  if (shas.length === 0) return;
  const version = readVersion();
  const commits = await CommitModel.find({ repositoryId, sha: { $in: shas } }, { sha: 1, author: 1, onDefaultBranch: 1 }).lean();
  await setGuarded(
    commits.flatMap((commit) =>
      commit.author?.date ? [{ repositoryId, week: weekOf(commit.author.date), section: "commits" as const, id: commit.sha, entry: commitEntry(commit) }] : [],
    ),
    version,
  );
}

/**
 * Derives the tickets' entries again. A ticket's close moves when it is reopened and closed again, so its opened
 * opened week (which never moves) lists every week its close was ever counted in (`closeWeeks`), added to atomically as it passes
 * the version guard; each of those weeks then gets the close, or a tombstone, at that version. A derivation that
 * passed the guard later read a list holding the earlier one's week, so the later version wins everywhere.
 */
export async function rollUpTickets(ticketIds: number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  const version = readVersion();
  const tickets = await TicketModel.find({ githubId: { $in: ticketIds } }, { githubId: 1, repositoryId: 1, author: 1, createdAt: 1, closedAt: 1, state: 1, deletedAt: 1 }).lean();
  const derived = tickets.map((ticket) => ({ ticket, ...ticketEntries(ticket), openedWeek: weekOf(ticket.createdAt) }));
  const passed = await setGuarded(
    derived.map(({ ticket, opened, closedAt, openedWeek }) => ({
      repositoryId: ticket.repositoryId,
      week: openedWeek,
      section: "opened",
      id: ticket.githubId,
      entry: opened,
      // Beside the entry, not in it: setting the entry replaces it whole.
      also: closedAt ? { $addToSet: { [`closeWeeks.${ticket.githubId}`]: weekOf(closedAt) } } : undefined,
    })),
    version,
  );
  const current = derived.filter((_, index) => passed[index]);
  if (current.length === 0) return;
  const homes = await ReportWeekModel.collection
    .find(
      { _id: { $in: [...new Set(current.map(({ ticket, openedWeek }) => reportWeekId(ticket.repositoryId, openedWeek)))] as never[] } },
      { projection: Object.fromEntries(current.map(({ ticket }) => [`closeWeeks.${ticket.githubId}`, 1])) },
    )
    .toArray();
  const closedWeeksOf = (home: Record<string, unknown> | undefined, id: number) => (home?.closeWeeks as Record<string, string[]> | undefined)?.[id] ?? [];
  const homeById = new Map(homes.map((home) => [String(home._id), home as Record<string, unknown>]));
  await setGuarded(
    current.flatMap(({ ticket, closed, closedAt, openedWeek }) =>
      closedWeeksOf(homeById.get(reportWeekId(ticket.repositoryId, openedWeek)), ticket.githubId).map((week) => ({
        repositoryId: ticket.repositoryId,
        week,
        section: "closed" as const,
        id: ticket.githubId,
        entry: closedAt && weekOf(closedAt) === week ? closed : null,
      })),
    ),
    version,
  );
}

/**
 * Derives every entry of a repository's records of a service again, a chunk at a time: what a full import does once
 * its recent window is in and again at its end (its pages leave derivation to it: `ReportDerivation`), so that
 * records stored before reports existed, or whose rollup a dying process never wrote, get theirs too. Merged pull
 * requests are derived after all the reviews, which they read.
 */
export async function rollUpRepository(repositoryId: number, service: Service): Promise<void> {
  const idsOf = async (model: { collection: typeof PullRequestModel.collection }, filter: object = {}) =>
    (await model.collection.find({ repositoryId, ...filter }, { projection: { githubId: 1 } }).toArray()).map((record) => record.githubId as number);
  if (service === "pullRequests") {
    for (const ids of chunks(await idsOf(ReviewModel))) await setReviewEntries(ids);
    for (const ids of chunks(await idsOf(PullRequestModel, { mergedAt: { $ne: null } }))) await rollUpPullRequests(ids);
  } else if (service === "tickets") {
    for (const ids of chunks(await idsOf(TicketModel))) await rollUpTickets(ids);
  } else {
    const shas = (await CommitModel.find({ repositoryId }, { sha: 1 }).lean()).map((commit) => commit.sha);
    for (const some of chunks(shas)) await rollUpCommits(repositoryId, some);
  }
}

/** The rollups of these repositories and weeks, read by key. */
export async function readReportWeeks(repositoryIds: number[], weeks: string[]) {
  const ids = repositoryIds.flatMap((repositoryId) => weeks.map((week) => reportWeekId(repositoryId, week)));
  if (ids.length === 0) return [];
  return ReportWeekModel.collection.find({ _id: { $in: ids as never[] } }).toArray() as unknown as Promise<StoredReportWeek[]>;
}

export interface StoredReportWeek {
  _id: string;
  repositoryId: number;
  week: string;
  merged?: Record<string, unknown>;
  reviews?: Record<string, unknown>;
  commits?: Record<string, unknown>;
  opened?: Record<string, unknown>;
  closed?: Record<string, unknown>;
}
