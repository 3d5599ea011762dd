import type { Commit } from "../storage/models/commit.js";
import type { PullRequest } from "../storage/models/pull-request.js";
import type { Review } from "../storage/models/review.js";
import type { Ticket } from "../storage/models/ticket.js";
import { isBot, personOf, type Person } from "./people.js";

// What a weekly rollup keeps of each record: the values its reports need, derived from the stored record alone (and
// a pull request's reviews), so deriving again from the same records gives the same entry.

/** GitHub lists at most this many commits of a pull request. */
export const COMMIT_LIST_CAP = 250;

/** A merged pull request, in the week of its merge. Durations in milliseconds; null when not measurable. */
export interface MergedPullRequestEntry {
  number: number;
  title: string;
  author: Person | null;
  bot: boolean;
  /** Lines added plus deleted; null until known. */
  size: number | null;
  /** First commit → opened (0 when the first commit came later). */
  codingMs: number | null;
  /** Ready for review (opened, or out of draft) → first review by someone else; null when never reviewed. */
  pickupMs: number | null;
  /** First review → merged. */
  reviewMs: number | null;
  /** First commit (or opening) → merged. */
  cycleMs: number;
  approved: boolean;
  /** Its commits were cut at GitHub's cap: the first commit, and so coding time, may be later than the real one. */
  commitsCapped: boolean;
}

type PullRequestFacts = Pick<
  PullRequest,
  "number" | "title" | "author" | "createdAt" | "mergedAt" | "additions" | "deletions" | "commits" | "commitsComplete" | "commitsCount"
> & { readyForReviewAt?: Date | null };
type ReviewFacts = Pick<Review, "author" | "state" | "submittedAt">;

const later = (a: Date, b: Date | null | undefined) => (b && b > a ? b : a);
const earliest = (times: (Date | null | undefined)[]) =>
  times.reduce<Date | null>((first, time) => (time && (!first || time < first) ? time : first), null);

/** The entry of a merged pull request; null when it is not merged. */
export function mergedPullRequestEntry(pr: PullRequestFacts, reviews: ReviewFacts[]): MergedPullRequestEntry | null {
  if (!pr.mergedAt) return null;
  const firstCommitAt = earliest(pr.commits.map((commit) => commit.authoredAt));
  const startedAt = firstCommitAt && firstCommitAt < pr.createdAt ? firstCommitAt : pr.createdAt;
  // Time in draft is the author's, not the reviewers': pickup starts when the pull request was ready for review.
  const readyAt = later(pr.createdAt, pr.readyForReviewAt);
  const submitted = reviews.filter((review) => review.state !== "PENDING" && review.submittedAt && review.author?.id !== pr.author?.id);
  const firstReviewAt = earliest(submitted.map((review) => review.submittedAt));
  const author = personOf(pr.author);
  return {
    number: pr.number,
    title: pr.title,
    author,
    bot: isBot(author),
    size: pr.additions == null || pr.deletions == null ? null : pr.additions + pr.deletions,
    codingMs: firstCommitAt ? pr.createdAt.getTime() - startedAt.getTime() : null,
    pickupMs: firstReviewAt ? Math.max(0, firstReviewAt.getTime() - readyAt.getTime()) : null,
    reviewMs: firstReviewAt ? Math.max(0, pr.mergedAt.getTime() - firstReviewAt.getTime()) : null,
    cycleMs: pr.mergedAt.getTime() - startedAt.getTime(),
    approved: reviews.some((review) => review.state === "APPROVED"),
    commitsCapped: pr.commits.length >= COMMIT_LIST_CAP && !pr.commitsComplete && (pr.commitsCount ?? 0) > pr.commits.length,
  };
}

/** A submitted review, in the week it was submitted. */
export interface ReviewEntry {
  reviewer: Person | null;
  bot: boolean;
  pullRequestId: number;
}

export function reviewEntry(review: ReviewFacts & Pick<Review, "pullRequestId">): ReviewEntry | null {
  if (review.state === "PENDING" || !review.submittedAt) return null;
  const reviewer = personOf(review.author);
  return { reviewer, bot: isBot(reviewer), pullRequestId: review.pullRequestId };
}

/** A commit on the default branch, in the week it was authored; author null when GitHub could not link a user. */
export interface CommitEntry {
  author: Person | null;
  bot: boolean;
  /** False once a force-push took it off the default branch: no longer counted. */
  counted: boolean;
}

export function commitEntry(commit: Pick<Commit, "author" | "onDefaultBranch">): CommitEntry | null {
  if (!commit.author?.date) return null;
  const author = personOf(commit.author.user);
  return { author, bot: isBot(author) || (commit.author.name?.endsWith("[bot]") ?? false), counted: commit.onDefaultBranch };
}

/** A ticket in the week it was opened; `closedWeek` names where its close is counted. */
export interface OpenedTicketEntry {
  author: Person | null;
  bot: boolean;
  /** Deleted or transferred tickets are counted nowhere. */
  counted: boolean;
}

/** A ticket's close, in the week it closed: its lead time, or null where it no longer closes (reopened, moved). */
export interface ClosedTicketEntry {
  leadMs: number | null;
  author: Person | null;
  bot: boolean;
}

export function ticketEntries(ticket: Pick<Ticket, "author" | "createdAt" | "closedAt" | "state" | "deletedAt">) {
  const author = personOf(ticket.author);
  const counted = !ticket.deletedAt;
  const opened: OpenedTicketEntry = { author, bot: isBot(author), counted };
  const closedAt = counted && ticket.state === "closed" ? ticket.closedAt : null;
  const closed: ClosedTicketEntry | null = closedAt ? { leadMs: closedAt.getTime() - ticket.createdAt.getTime(), author, bot: opened.bot } : null;
  return { opened, closed, closedAt };
}
