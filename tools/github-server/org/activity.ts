import { Random } from "../random.js";
import type { GeneratedOrg } from "./generate.js";
import { ids } from "./id-space.js";
import { commitSha } from "./ids.js";
import type { Comment, Commit, Issue, PullRequest, RemovedIssue, Repo, Review, ReviewState } from "./model.js";
import * as words from "./names.js";

/**
 * Live changes to the generated organization, consistent with what REST and GraphQL serve afterwards: numbers
 * continue the repository's sequence, pull request commits extend their branch, merges land on the default branch.
 * Each change marks its repository's contents `changeable` first, so the organization keeps them from then on.
 */
export class OrgActivity {
  private sequence = 0;
  private nextId = ids.firstActivity;

  constructor(
    private readonly generated: GeneratedOrg,
    private readonly now: () => number,
  ) {}

  private random(): Random {
    this.sequence += 1;
    return Random.of(this.generated.seed, "activity", this.sequence);
  }

  openPull(repo: Repo): PullRequest {
    const random = this.random();
    const content = this.generated.changeable(repo);
    const number = content.items.length + 1;
    const author = this.generated.pickAuthor(random);
    const at = this.now();
    const title = `${random.pick(words.VERBS)} ${random.pick(words.SUBJECTS)}`;
    const pull: PullRequest = {
      ...this.generated.pullPlace(repo, number),
      title,
      body: `${title}.`,
      author,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      mergedAt: null,
      mergedBy: null,
      draft: random.chance(0.2),
      readyForReview: [],
      baseRef: repo.defaultBranch,
      headRef: `${author.login.replace("[bot]", "")}/live-${number}`,
      labels: [],
      assignees: [],
      requestedReviewers: this.generated.pickMembers(random, 1, author),
      forcePushed: false,
      additions: random.int(1, 400),
      deletions: random.int(0, 200),
      changedFiles: random.int(1, 12),
      shape: { reviews: 0, commits: 0, comments: 0, reviewComments: 0 },
      // Details start out materialized (empty), so these generator bases are never used; activity ids are.
      firstReviewId: 0,
      firstCommentId: 0,
      firstReviewCommentId: 0,
      reviews: [],
      commits: [],
      comments: [],
      reviewComments: [],
    };
    content.items.push(pull);
    content.pulls.push(pull);
    this.pushToPull(pull, random.int(1, 3));
    this.touch(repo, at);
    return pull;
  }

  /** Adds commits to a pull request's head branch; returns the head before and the new commits. */
  pushToPull(pull: PullRequest, count: number): { before: string; commits: Commit[] } {
    this.generated.changeable(pull.repo);
    const random = this.random();
    const commits = this.generated.commits(pull);
    const before = commits.at(-1)?.sha ?? this.generated.branch(pull.repo).at(-1)!.sha;
    const added: Commit[] = [];
    for (let i = 0; i < count; i += 1) {
      const at = this.now();
      const index = commits.length;
      const sha = commitSha({ on: "pull", repoIndex: pull.repo.index, number: pull.number, index });
      const parent = commits.at(-1)?.sha ?? this.generated.branch(pull.repo).at(-1)!.sha;
      const commit = this.generated.makeCommit(random, sha, pull.author ?? this.generated.pickAuthor(random), at, at, [parent], `${random.pick(words.VERBS)} ${random.pick(words.SUBJECTS)}`);
      commits.push(commit);
      added.push(commit);
    }
    pull.shape.commits = commits.length;
    pull.updatedAt = this.now();
    return { before, commits: added };
  }

  review(pull: PullRequest): Review {
    this.generated.changeable(pull.repo);
    const random = this.random();
    const reviews = this.generated.reviews(pull);
    const state: ReviewState = random.pick(["APPROVED", "COMMENTED", "CHANGES_REQUESTED"] as const);
    const review: Review = {
      id: this.nextId++,
      author: this.generated.pickMembers(random, 1, pull.author)[0] ?? null,
      state,
      body: state === "APPROVED" ? "LGTM" : "Left a few notes.",
      submittedAt: this.now(),
      commitSha: this.generated.commits(pull).at(-1)?.sha ?? "",
    };
    reviews.push(review);
    pull.shape.reviews = reviews.length;
    pull.requestedReviewers = pull.requestedReviewers.filter((person) => person.id !== review.author?.id);
    pull.updatedAt = review.submittedAt;
    return review;
  }

  /** A draft pull request is marked ready for review: its timeline gets a ReadyForReviewEvent. */
  markReady(pull: PullRequest): void {
    this.generated.changeable(pull.repo);
    const at = this.now();
    pull.readyForReview.push(at);
    Object.assign(pull, { draft: false, updatedAt: at });
  }

  /** Merges a pull request: a merge commit lands on the default branch. */
  merge(pull: PullRequest): Commit {
    this.generated.changeable(pull.repo);
    const random = this.random();
    const at = this.now();
    const merger = this.generated.pickMembers(random, 1, null)[0] ?? null;
    const branch = this.generated.branch(pull.repo);
    const sha = commitSha({ on: "branch", repoIndex: pull.repo.index, index: branch.length });
    const head = this.generated.commits(pull).at(-1)!.sha;
    const commit = this.generated.makeCommit(random, sha, merger ?? pull.author!, at, at, [branch.at(-1)!.sha, head], `Merge pull request #${pull.number} from ${this.generated.org.login}/${pull.headRef}`);
    branch.push(commit);
    Object.assign(pull, { closedAt: at, mergedAt: at, updatedAt: at, mergedBy: merger, mergeCommitSha: sha, draft: false, requestedReviewers: [] });
    this.touch(pull.repo, at);
    return commit;
  }

  /** Direct pushes to the default branch; returns the head before and the new commits. */
  pushToBranch(repo: Repo, count: number): { before: string; commits: Commit[] } {
    this.generated.changeable(repo);
    const random = this.random();
    const branch = this.generated.branch(repo);
    const before = branch.at(-1)!.sha;
    const added: Commit[] = [];
    for (let i = 0; i < count; i += 1) {
      const at = this.now();
      const sha = commitSha({ on: "branch", repoIndex: repo.index, index: branch.length });
      const commit = this.generated.makeCommit(random, sha, this.generated.pickAuthor(random), at, at, [branch.at(-1)!.sha], `${random.pick(words.VERBS)} ${random.pick(words.SUBJECTS)}`);
      branch.push(commit);
      added.push(commit);
    }
    this.touch(repo, this.now());
    return { before, commits: added };
  }

  openIssue(repo: Repo): Issue {
    const random = this.random();
    const content = this.generated.changeable(repo);
    const number = content.items.length + 1;
    const at = this.now();
    const title = `${random.pick(words.SUBJECTS)} ${random.pick(words.ISSUE_SUBJECTS)}`;
    const issue: Issue = {
      kind: "issue",
      repo,
      number,
      id: this.generated.itemIds(repo, number).issue,
      title,
      body: `Seen today: ${title}.`,
      author: random.pick(this.generated.org.members).person,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      stateReason: null,
      labels: random.chance(0.5) ? [random.pick(words.LABELS)] : [],
      assignees: [],
      milestone: null,
      commentCount: 0,
      firstCommentId: 0,
      comments: [],
    };
    content.items.push(issue);
    content.issues.push(issue);
    this.touch(repo, at);
    return issue;
  }

  closeIssue(issue: Issue): void {
    this.generated.changeable(issue.repo);
    const at = this.now();
    Object.assign(issue, { closedAt: at, updatedAt: at, stateReason: "completed" });
  }

  /** Deletes an issue (GitHub deletes issues, never pull requests): its number answers 410 from now on. */
  deleteIssue(issue: Issue): void {
    this.replaceIssue(issue, { kind: "deleted", repo: issue.repo, number: issue.number, id: issue.id });
  }

  /**
   * Moves an issue to another repository of the organization, where it becomes a new issue (the next number, a new
   * id) with the same content and comments; the old number redirects to it.
   */
  transferIssue(issue: Issue, target: Repo): Issue {
    const content = this.generated.changeable(target);
    const number = content.items.length + 1;
    const at = this.now();
    const moved: Issue = { ...issue, repo: target, number, id: this.generated.itemIds(target, number).issue, updatedAt: at, comments: this.generated.comments(issue) };
    content.items.push(moved);
    content.issues.push(moved);
    target.updatedAt = at;
    this.replaceIssue(issue, { kind: "transferred", repo: issue.repo, number: issue.number, id: issue.id, transferredTo: { fullName: `${this.generated.org.login}/${target.name}`, number } });
    return moved;
  }

  private replaceIssue(issue: Issue, removed: RemovedIssue): void {
    const content = this.generated.changeable(issue.repo);
    content.items[issue.number - 1] = removed;
    content.issues.splice(content.issues.indexOf(issue), 1);
  }

  comment(item: Issue | PullRequest): Comment {
    this.generated.changeable(item.repo);
    const random = this.random();
    const comments = this.generated.comments(item);
    const at = this.now();
    const comment: Comment = { id: this.nextId++, author: this.generated.pickAuthor(random), body: "Following up on this.", createdAt: at, updatedAt: at };
    comments.push(comment);
    if (item.kind === "pull") item.shape.comments = comments.length;
    else item.commentCount = comments.length;
    item.updatedAt = at;
    return comment;
  }

  private touch(repo: Repo, at: number): void {
    repo.updatedAt = at;
    repo.pushedAt = at;
  }
}
