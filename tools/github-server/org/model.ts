/** The generated organization's data. Times are epoch milliseconds; REST/GraphQL views format them. */

export interface Person {
  id: number;
  login: string;
  name: string;
  email: string;
  kind: "User" | "Bot";
  createdAt: number;
}

export type OrgRole = "admin" | "member";

export interface Member {
  person: Person;
  role: OrgRole;
}

export interface Organization {
  id: number;
  login: string;
  name: string;
  createdAt: number;
  members: Member[];
  /** Everyone who authors things: members, outside contributors and bots. */
  authors: Person[];
  repos: Repo[];
}

export interface Repo {
  index: number;
  id: number;
  name: string;
  /** Names the repository had before a rename; GitHub still resolves (REST: 301) them. */
  previousNames: string[];
  description: string;
  language: string;
  topics: string[];
  isPrivate: boolean;
  isArchived: boolean;
  isFork: boolean;
  defaultBranch: string;
  createdAt: number;
  updatedAt: number;
  pushedAt: number;
  /** How many of each the generator creates; activity adds to the content, not to these. */
  planned: { pulls: number; issues: number; commits: number };
}

export interface Commit {
  sha: string;
  message: string;
  author: Person | null;
  authorName: string;
  authorEmail: string;
  authoredAt: number;
  committer: Person | null;
  committerName: string;
  committerEmail: string;
  committedAt: number;
  parents: string[];
  additions: number;
  deletions: number;
  changedFiles: number;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";

export interface Review {
  id: number;
  /** null: the reviewer's account was deleted (GitHub shows "ghost"). */
  author: Person | null;
  state: ReviewState;
  body: string;
  submittedAt: number;
  commitSha: string;
}

export interface Comment {
  id: number;
  author: Person | null;
  body: string;
  createdAt: number;
  updatedAt: number;
}

export interface ReviewComment extends Comment {
  reviewId: number | null;
  path: string;
  line: number;
  commitSha: string;
  /** Comments sharing a thread index form one review thread; the first opens it. */
  thread: number;
  inReplyTo: number | null;
}

interface Numbered {
  repo: Repo;
  number: number;
  id: number;
  title: string;
  body: string;
  author: Person | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  labels: string[];
  assignees: Person[];
  /** Comments take consecutive ids from here (see id-space). */
  firstCommentId: number;
}

export interface PullRequestShape {
  reviews: number;
  commits: number;
  comments: number;
  reviewComments: number;
}

export interface PullRequest extends Numbered {
  kind: "pull";
  /** The issue id GitHub gives every PR (its REST issue representation). */
  issueId: number;
  draft: boolean;
  /**
   * When it left draft (its timeline's ReadyForReviewEvents), oldest first; empty when it was opened ready for
   * review. Two times: it went back to draft in between.
   */
  readyForReview: number[];
  mergedAt: number | null;
  mergedBy: Person | null;
  mergeCommitSha: string | null;
  baseRef: string;
  headRef: string;
  requestedReviewers: Person[];
  forcePushed: boolean;
  additions: number;
  deletions: number;
  changedFiles: number;
  shape: PullRequestShape;
  firstReviewId: number;
  firstReviewCommentId: number;
  /** Materialized on first read (then kept, so activity can append). */
  reviews?: Review[];
  commits?: Commit[];
  comments?: Comment[];
  reviewComments?: ReviewComment[];
}

export type IssueStateReason = "completed" | "not_planned" | "reopened" | null;

export interface Issue extends Numbered {
  kind: "issue";
  stateReason: IssueStateReason;
  milestone: string | null;
  commentCount: number;
  comments?: Comment[];
}

/** An issue number that no longer resolves in this repository. */
export type RemovedIssue =
  | { kind: "transferred"; repo: Repo; number: number; id: number; transferredTo: { fullName: string; number: number } }
  | { kind: "deleted"; repo: Repo; number: number; id: number };

export type NumberedItem = PullRequest | Issue | RemovedIssue;
