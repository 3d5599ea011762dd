import { Random, unevenSplit } from "../random.js";
import { ids, MAX_NARROW_ITEMS, MAX_REPOS, WIDE_REPOS } from "./id-space.js";
import { commitSha, locateCommit } from "./ids.js";
import type {
  Comment,
  Commit,
  Issue,
  Member,
  NumberedItem,
  Organization,
  Person,
  PullRequest,
  PullRequestShape,
  RemovedIssue,
  Repo,
  Review,
  ReviewComment,
  ReviewState,
} from "./model.js";
import * as words from "./names.js";

export interface OrgSize {
  repos: number;
  /** Totals across the organization, split unevenly (but exactly) between repositories. */
  pulls: number;
  issues: number;
  /** Commits on default branches. */
  commits: number;
  members: number;
}

export interface OrgOptions extends OrgSize {
  login: string;
  seed: string | number;
  /** Generated history ends here (real activity comes after it). */
  historyEnd: Date;
}

export const DEFAULT_ORG: OrgOptions = {
  login: "acme",
  seed: 1,
  repos: 5,
  pulls: 200,
  issues: 100,
  commits: 400,
  members: 20,
  historyEnd: new Date("2025-06-30T00:00:00Z"),
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Shapes GitHub's limits make interesting; the first pull requests of the first repository get them. */
const SPECIAL_PULLS: ReadonlyArray<{ shape: PullRequestShape; fate: "merged" | "closed" | "open-draft" | "force-pushed" }> = [
  { shape: { reviews: 120, commits: 310, comments: 105, reviewComments: 110 }, fate: "merged" },
  { shape: { reviews: 104, commits: 130, comments: 12, reviewComments: 30 }, fate: "merged" },
  { shape: { reviews: 2, commits: 3, comments: 4, reviewComments: 1 }, fate: "closed" },
  { shape: { reviews: 3, commits: 6, comments: 1, reviewComments: 2 }, fate: "force-pushed" },
  { shape: { reviews: 0, commits: 2, comments: 0, reviewComments: 0 }, fate: "open-draft" },
];

export interface IssueType {
  id: number;
  name: string;
  description: string;
  color: "gray" | "blue" | "green" | "yellow" | "orange" | "red" | "pink" | "purple";
}

const ISSUE_TYPES: ReadonlyArray<Omit<IssueType, "id">> = [
  { name: "Task", description: "A specific piece of work", color: "yellow" },
  { name: "Bug", description: "An unexpected problem or behavior", color: "red" },
  { name: "Feature", description: "A request, idea, or new functionality", color: "blue" },
];

/**
 * Repositories whose generated contents stay in memory when nothing has changed them: more than the app reads at
 * once (a few jobs, each a repository), so a backfill reads each repository's contents from one generation.
 */
export const CACHED_CONTENTS = 64;

interface RepoContent {
  /** Index = number - 1: pull requests and issues share one sequence, as on GitHub. */
  items: NumberedItem[];
  pulls: PullRequest[];
  issues: Issue[];
  /** Default branch, oldest first; materialized on first read. */
  branch?: Commit[];
}

/**
 * A deterministic organization generated lazily: people and repositories up front, a repository's pull requests
 * and issues on first read, and each pull request's reviews, commits and comments on first read of those. Every
 * piece is derived from (seed, where it lives), so the result does not depend on what was read first.
 *
 * Memory stays flat however many repositories are read: contents nothing has changed are a cache of the
 * `CACHED_CONTENTS` last read, generated again (identically) when read after they were dropped; contents that live
 * activity changed are kept for good (`changeable`). Dropping waits until the current synchronous step is over, so
 * whoever picks a pull request or issue and then changes it always changes the one the organization keeps.
 */
export class GeneratedOrg {
  readonly org: Organization;
  readonly seed: string;
  /** Contents by repository index, least recently read first; `changed` ones are never dropped. */
  private readonly contents = new Map<number, RepoContent>();
  private readonly changed = new Set<number>();
  private dropScheduled = false;
  private readonly people = new Map<string, Person>();
  private readonly byName = new Map<string, { repo: Repo; renamed: boolean }>();
  private readonly historyEnd: number;

  constructor(readonly options: OrgOptions) {
    this.seed = String(options.seed);
    this.historyEnd = options.historyEnd.getTime();
    if (options.repos > MAX_REPOS) throw new Error(`At most ${MAX_REPOS} repositories (ids must fit GraphQL's Int)`);
    this.org = this.generateOrganization();
    for (const person of this.org.authors) this.people.set(person.login.toLowerCase(), person);
    for (const repo of this.org.repos.slice(WIDE_REPOS)) {
      if (repo.planned.pulls + repo.planned.issues > MAX_NARROW_ITEMS) {
        throw new Error(`At most ${MAX_NARROW_ITEMS} pull requests and issues in each repository beyond the first ${WIDE_REPOS} (${repo.name} would have ${repo.planned.pulls + repo.planned.issues})`);
      }
    }
    // Names resolve without a scan: the first repository in order that has the name now, else had it before.
    for (const repo of this.org.repos) this.byName.set(repo.name.toLowerCase(), { repo, renamed: false });
    for (const repo of this.org.repos) {
      for (const previous of repo.previousNames) if (!this.byName.has(previous.toLowerCase())) this.byName.set(previous.toLowerCase(), { repo, renamed: true });
    }
  }

  private random(...where: Array<string | number>): Random {
    return Random.of(this.seed, ...where);
  }

  // ---- people and repositories ------------------------------------------------------------------------------

  private generateOrganization(): Organization {
    const { login, members: memberCount } = this.options;
    const random = this.random("org");
    const createdAt = this.historyEnd - 4 * 365 * DAY;
    const taken = new Set<string>();
    const person = (id: number, style: "member" | "outsider"): Person => {
      const first = random.pick(words.FIRST_NAMES);
      const last = random.pick(words.LAST_NAMES);
      let handle = style === "member" ? `${first}-${last}` : `${first}${last}`;
      while (taken.has(handle)) handle = `${handle}${random.int(0, 9)}`;
      taken.add(handle);
      const name = `${capitalize(first)} ${capitalize(last)}`;
      return { id, login: handle, name, email: `${handle}@users.${login}.example`, kind: "User", createdAt: createdAt - random.int(0, 3000) * DAY };
    };
    const admins = Math.max(1, Math.round(memberCount / 10));
    const members: Member[] = Array.from({ length: Math.max(1, memberCount) }, (_, index) => ({
      person: person(1000 + index, "member"),
      role: index < admins ? "admin" : "member",
    }));
    const outsiders = Array.from({ length: Math.max(1, Math.ceil(memberCount / 5)) }, (_, index) => person(50_000 + index, "outsider"));
    const bots: Person[] = [
      { id: 49699333, login: "dependabot[bot]", name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com", kind: "Bot", createdAt },
      { id: 29139614, login: "renovate[bot]", name: "renovate[bot]", email: "29139614+renovate[bot]@users.noreply.github.com", kind: "Bot", createdAt },
    ];
    const org: Organization = {
      id: 4_000_000 + (random.int(0, 99_999)),
      login,
      name: capitalize(login),
      createdAt,
      members,
      authors: [...members.map((m) => m.person), ...outsiders, ...bots],
      repos: [],
    };
    org.repos = this.generateRepos(org);
    return org;
  }

  private generateRepos(org: Organization): Repo[] {
    const { repos: count, pulls, issues, commits } = this.options;
    const random = this.random("repos");
    const pullShares = unevenSplit(pulls, count, random);
    const issueShares = unevenSplit(issues, count, random);
    const commitShares = unevenSplit(commits, count, random);
    const taken = new Set<string>();
    return Array.from({ length: count }, (_, index) => {
      let name = `${random.pick(words.REPO_WORDS)}-${random.pick(words.REPO_SUFFIXES)}`;
      while (taken.has(name)) name = `${name}-${index}`;
      taken.add(name);
      const language = random.pick(words.LANGUAGES);
      const createdAt = random.between(this.historyEnd - 3 * 365 * DAY, this.historyEnd - 180 * DAY);
      const isPrivate = random.chance(0.7);
      return {
        index,
        id: 100_000 + index,
        name,
        previousNames: index === Math.min(1, count - 1) ? [`${name}-legacy`] : [],
        description: `${capitalize(name.replace("-", " "))} for ${org.name}`,
        language,
        topics: [random.pick(words.TOPICS), words.LANGUAGES.indexOf(language) % 2 === 0 ? "core" : "edge"],
        isPrivate,
        isArchived: count >= 5 && index === count - 1,
        isFork: false,
        defaultBranch: "main",
        createdAt,
        updatedAt: this.historyEnd - random.int(1, 48) * HOUR,
        pushedAt: this.historyEnd - random.int(1, 48) * HOUR,
        planned: { pulls: pullShares[index]!, issues: issueShares[index]!, commits: commitShares[index]! },
      };
    });
  }

  // ---- lookups ----------------------------------------------------------------------------------------------

  /** A repository by current or previous name; `renamedFrom` tells the caller to redirect like GitHub. */
  findRepo(owner: string, name: string): { repo: Repo; renamed: boolean } | null {
    if (owner.toLowerCase() !== this.org.login.toLowerCase()) return null;
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  repoById(id: number): Repo | undefined {
    return this.org.repos[id - 100_000];
  }

  person(login: string): Person | undefined {
    return this.people.get(login.toLowerCase());
  }

  member(login: string): Member | undefined {
    return this.org.members.find((m) => m.person.login.toLowerCase() === login.toLowerCase());
  }

  admins(): Person[] {
    return this.org.members.filter((m) => m.role === "admin").map((m) => m.person);
  }

  // ---- repository content -----------------------------------------------------------------------------------

  /**
   * Open issues, for repository views: read from the content once it is materialized (activity changes it), else
   * generated and dropped, so listing thousands of repositories does not keep their contents.
   */
  openIssueCount(repo: Repo): number {
    const content = this.contents.get(repo.index) ?? this.generateContent(repo);
    return content.issues.filter((issue) => issue.closedAt === null).length;
  }

  /** Commits on the default branch, without materializing it when nothing has been read or pushed yet. */
  branchLength(repo: Repo): number {
    return this.contents.get(repo.index)?.branch?.length ?? Math.max(1, repo.planned.commits);
  }

  /** The organization's issue types (GitHub's defaults), and which one an issue has, if any (a stream of its own). */
  readonly issueTypes: ReadonlyArray<IssueType> = ISSUE_TYPES.map((type, index) => ({ ...type, id: 9_000 + index }));

  issueType(issue: Issue): IssueType | null {
    const random = this.random("issue-type", issue.repo.index, issue.number);
    return random.chance(0.6) ? random.pick(this.issueTypes) : null;
  }

  content(repo: Repo): RepoContent {
    let content = this.contents.get(repo.index);
    if (content) this.contents.delete(repo.index);
    else content = this.generateContent(repo);
    this.contents.set(repo.index, content);
    if (this.contents.size > CACHED_CONTENTS + this.changed.size) this.scheduleDrop();
    return content;
  }

  /** A repository's contents, kept from now on: live activity is about to change them. */
  changeable(repo: Repo): RepoContent {
    this.changed.add(repo.index);
    return this.content(repo);
  }

  /** Repositories whose contents are in memory (cached or changed). */
  get materializedRepositories(): number {
    return this.contents.size;
  }

  private scheduleDrop(): void {
    if (this.dropScheduled) return;
    this.dropScheduled = true;
    queueMicrotask(() => {
      this.dropScheduled = false;
      let unchanged = this.contents.size - this.changed.size;
      for (const index of this.contents.keys()) {
        if (unchanged <= CACHED_CONTENTS) break;
        if (this.changed.has(index)) continue;
        this.contents.delete(index);
        unchanged -= 1;
      }
    });
  }

  pulls(repo: Repo): PullRequest[] {
    return this.content(repo).pulls;
  }

  issues(repo: Repo): Issue[] {
    return this.content(repo).issues;
  }

  item(repo: Repo, number: number): NumberedItem | undefined {
    return this.content(repo).items[number - 1];
  }

  pull(repo: Repo, number: number): PullRequest | undefined {
    const item = this.item(repo, number);
    return item?.kind === "pull" ? item : undefined;
  }

  /** Ids are derived from where things live, so they are stable across runs and read orders. */
  itemIds(repo: Repo, number: number): { pull: number; issue: number } {
    return { pull: ids.pull(repo.index, number), issue: ids.issue(repo.index, number) };
  }

  /** What follows from where a pull request stands, for generated and live ones alike: its ids and the merge commit it would get. */
  pullPlace(repo: Repo, number: number): Pick<PullRequest, "kind" | "repo" | "number" | "id" | "issueId" | "mergeCommitSha"> {
    const ids = this.itemIds(repo, number);
    return { kind: "pull", repo, number, id: ids.pull, issueId: ids.issue, mergeCommitSha: commitSha({ on: "pull", repoIndex: repo.index, number, index: 0xfffff }) };
  }

  private generateContent(repo: Repo): RepoContent {
    const random = this.random("content", repo.index);
    const { pulls: pullCount, issues: issueCount } = repo.planned;
    const kinds = random.shuffle([...Array<"pull">(pullCount).fill("pull"), ...Array<"issue">(issueCount).fill("issue")]);
    const times = kinds.map(() => random.between(repo.createdAt + DAY, this.historyEnd - HOUR)).sort((a, b) => a - b);
    const content: RepoContent = { items: [], pulls: [], issues: [] };
    let special = 0;
    let issueSlots = 0;
    kinds.forEach((kind, index) => {
      const number = index + 1;
      const createdAt = times[index]!;
      if (kind === "pull") {
        const fixed = repo.index === 0 ? SPECIAL_PULLS[special++] : undefined;
        const pull = this.generatePull(repo, number, createdAt, fixed);
        content.pulls.push(pull);
        content.items.push(pull);
      } else {
        const issue = this.generateIssue(repo, number, createdAt, issueSlots++);
        if (issue.kind === "issue") content.issues.push(issue);
        content.items.push(issue);
      }
    });
    this.assignDetailIds(repo, content);
    return content;
  }

  /** Reviews and comments take consecutive ids from the repository's blocks, in the repository's own order. */
  private assignDetailIds(repo: Repo, content: RepoContent): void {
    let review = ids.firstReview(repo.index);
    let comment = ids.firstComment(repo.index);
    let reviewComment = ids.firstReviewComment(repo.index);
    for (const item of content.items) {
      if (item.kind === "pull") {
        item.firstReviewId = review;
        item.firstReviewCommentId = reviewComment;
        item.firstCommentId = comment;
        review += item.shape.reviews;
        reviewComment += item.shape.reviewComments;
        comment += item.shape.comments;
      } else if (item.kind === "issue") {
        item.firstCommentId = comment;
        comment += item.commentCount;
      }
    }
  }

  pickAuthor(random: Random): Person {
    const roll = random.next();
    const { members } = this.org;
    const nonMembers = this.org.authors.slice(members.length);
    const bots = nonMembers.filter((p) => p.kind === "Bot");
    const outsiders = nonMembers.filter((p) => p.kind === "User");
    if (roll < 0.06) return random.pick(bots);
    if (roll < 0.14) return random.pick(outsiders);
    return random.pick(members).person;
  }

  pickMembers(random: Random, count: number, except: Person | null): Person[] {
    const chosen = new Map<number, Person>();
    const candidates = this.org.members.map((m) => m.person).filter((p) => p.id !== except?.id);
    for (let i = 0; i < count && candidates.length > 0; i += 1) {
      const person = random.pick(candidates);
      chosen.set(person.id, person);
    }
    return [...chosen.values()];
  }

  private generatePull(repo: Repo, number: number, createdAt: number, fixed?: (typeof SPECIAL_PULLS)[number]): PullRequest {
    const random = this.random("pull", repo.index, number);
    const author = this.pickAuthor(random);
    const age = this.historyEnd - createdAt;
    const fate = fixed?.fate ?? (random.chance(age < 14 * DAY ? 0.5 : 0.03) ? "open" : random.chance(0.8) ? "merged" : "closed");
    const isOpen = fate === "open" || fate === "open-draft";
    const closedAt = isOpen ? null : Math.min(this.historyEnd - HOUR, createdAt + HOUR + random.geometric(30, 500) * HOUR);
    const updatedAt = closedAt ?? random.between(createdAt, this.historyEnd);
    const merged = fate === "merged" || fate === "force-pushed";
    const title =
      author.kind === "Bot"
        ? `Bump ${random.pick(words.REPO_WORDS)}-lib from 1.${random.int(0, 9)}.0 to 1.${random.int(10, 20)}.0`
        : `${random.pick(words.VERBS)} ${random.pick(words.SUBJECTS)}`;
    const shape: PullRequestShape = fixed?.shape ?? {
      reviews: random.geometric(1.8, 14),
      commits: 1 + random.geometric(3, 40),
      comments: random.geometric(1.5, 15),
      reviewComments: random.geometric(2, 20),
    };
    const additions = random.geometric(120, 4000);
    const pull: PullRequest = {
      ...this.pullPlace(repo, number),
      title,
      body: `${title}.\n\nPart of the ${repo.name} roadmap.`,
      author,
      createdAt,
      updatedAt,
      closedAt,
      mergedAt: merged ? closedAt : null,
      mergedBy: merged ? random.pick(this.org.members).person : null,
      draft: fate === "open-draft" || (isOpen && random.chance(0.3)),
      readyForReview: [],
      baseRef: repo.defaultBranch,
      headRef: `${author.login.replace("[bot]", "")}/${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 30)}-${number}`,
      labels: random.chance(0.5) ? [random.pick(words.LABELS)] : [],
      assignees: this.pickMembers(random, random.int(0, 2), null),
      requestedReviewers: isOpen ? this.pickMembers(random, random.int(0, 2), author) : [],
      forcePushed: fate === "force-pushed" || random.chance(0.1),
      additions,
      deletions: random.geometric(additions / 3 + 1, 3000),
      changedFiles: 1 + random.geometric(5, 200),
      shape,
      // Set once the whole repository is generated (assignDetailIds).
      firstReviewId: 0,
      firstCommentId: 0,
      firstReviewCommentId: 0,
    };
    pull.readyForReview = this.readyForReviewTimes(pull, fixed !== undefined);
    return pull;
  }

  /**
   * A quarter of the people's pull requests that are not drafts now were opened as drafts and left draft later, in
   * the first half of their activity (reviews may come before: GitHub lets people review drafts); one in five of
   * those went back to draft and left it again. From a random stream of their own, so every other generated value
   * is what it was before drafts were modelled.
   */
  private readyForReviewTimes(pull: PullRequest, special: boolean): number[] {
    if (special || pull.draft || pull.author?.kind === "Bot") return [];
    const random = this.random("pull-ready", pull.repo.index, pull.number);
    if (!random.chance(0.25)) return [];
    const [start, end] = this.activityWindow(pull);
    const ready = random.between(start + 1000, start + (end - start) / 2);
    return random.chance(0.2) ? [random.between(start, ready - 1000), ready] : [ready];
  }

  private generateIssue(repo: Repo, number: number, createdAt: number, issueIndex: number): Issue | RemovedIssue {
    const random = this.random("issue", repo.index, number);
    const ids = this.itemIds(repo, number);
    const removal = repo.index === 0 && issueIndex < 2 ? (["transferred", "deleted"] as const)[issueIndex]! : random.chance(0.01) ? "transferred" : random.chance(0.01) ? "deleted" : null;
    if (removal === "transferred") return { kind: removal, repo, number, id: ids.issue, transferredTo: { fullName: `${this.org.login}-archive/attic`, number } };
    if (removal === "deleted") return { kind: removal, repo, number, id: ids.issue };
    const author = random.chance(0.9) ? random.pick(this.org.members).person : this.pickAuthor(random);
    const open = random.chance(this.historyEnd - createdAt < 30 * DAY ? 0.6 : 0.2);
    const closedAt = open ? null : Math.min(this.historyEnd - HOUR, createdAt + HOUR + random.geometric(72, 2000) * HOUR);
    const title = `${capitalize(random.pick(words.SUBJECTS))} ${random.pick(words.ISSUE_SUBJECTS)}`;
    return {
      kind: "issue",
      repo,
      number,
      id: ids.issue,
      title,
      body: `Steps to reproduce: ${title.toLowerCase()}.`,
      author,
      createdAt,
      updatedAt: closedAt ?? random.between(createdAt, this.historyEnd),
      closedAt,
      stateReason: open ? (random.chance(0.05) ? "reopened" : null) : random.chance(0.8) ? "completed" : "not_planned",
      labels: random.chance(0.7) ? [random.pick(words.LABELS)] : [],
      assignees: this.pickMembers(random, random.int(0, 1), null),
      milestone: random.chance(0.3) ? random.pick(words.MILESTONES) : null,
      commentCount: random.geometric(2, 40),
      firstCommentId: 0,
    };
  }

  // ---- pull request and issue details -----------------------------------------------------------------------

  /** The window in which a pull request's activity happened. */
  private activityWindow(item: PullRequest | Issue): [number, number] {
    return [item.createdAt, Math.max(item.createdAt + 1000, item.closedAt ?? item.updatedAt)];
  }

  commits(pull: PullRequest): Commit[] {
    pull.commits ??= this.generatePullCommits(pull);
    return pull.commits;
  }

  reviews(pull: PullRequest): Review[] {
    pull.reviews ??= this.generateReviews(pull);
    return pull.reviews;
  }

  comments(item: PullRequest | Issue): Comment[] {
    item.comments ??= this.generateComments(item, item.kind === "pull" ? item.shape.comments : item.commentCount);
    return item.comments;
  }

  reviewComments(pull: PullRequest): ReviewComment[] {
    pull.reviewComments ??= this.generateReviewComments(pull);
    return pull.reviewComments;
  }

  private generatePullCommits(pull: PullRequest): Commit[] {
    const random = this.random("pull-commits", pull.repo.index, pull.number);
    const [start, end] = this.activityWindow(pull);
    const times = Array.from({ length: pull.shape.commits }, () => random.between(start - 3 * DAY, end)).sort((a, b) => a - b);
    const base = this.branchCommitBefore(pull.repo, start);
    const commits: Commit[] = [];
    times.forEach((authoredAt, index) => {
      const sha = commitSha({ on: "pull", repoIndex: pull.repo.index, number: pull.number, index });
      // A force-push rewrote the branch: author dates stay, committer dates move to the rebase.
      const committedAt = pull.forcePushed ? Math.max(authoredAt, end - HOUR) : authoredAt;
      const author = pull.author && random.chance(0.9) ? pull.author : this.pickAuthor(random);
      commits.push(this.makeCommit(random, sha, author, authoredAt, committedAt, [commits[index - 1]?.sha ?? base?.sha].filter(isString), `${random.pick(words.VERBS)} ${random.pick(words.SUBJECTS)}`));
    });
    return commits;
  }

  makeCommit(random: Random, sha: string, author: Person, authoredAt: number, committedAt: number, parents: string[], message: string): Commit {
    // Some commits are made with an email GitHub cannot match to an account.
    const linked = random.chance(0.95) ? author : null;
    const additions = random.geometric(40, 2000);
    return {
      sha,
      message: `${message}\n\n${random.chance(0.3) ? "Co-authored-by: pair <pair@example.com>" : "Signed-off-by: " + author.name}`,
      author: linked,
      authorName: author.name,
      authorEmail: linked ? author.email : `${author.login.replace("[bot]", "")}@laptop.local`,
      authoredAt,
      committer: linked,
      committerName: author.name,
      committerEmail: linked ? author.email : `${author.login.replace("[bot]", "")}@laptop.local`,
      committedAt,
      parents,
      additions,
      deletions: random.geometric(additions / 2 + 1, 1500),
      changedFiles: 1 + random.geometric(3, 60),
    };
  }

  private generateReviews(pull: PullRequest): Review[] {
    const random = this.random("reviews", pull.repo.index, pull.number);
    const [start, end] = this.activityWindow(pull);
    const commits = this.commits(pull);
    const times = Array.from({ length: pull.shape.reviews }, () => random.between(start, end)).sort((a, b) => a - b);
    return times.map((submittedAt, index) => {
      const last = index === times.length - 1;
      const state: ReviewState =
        last && pull.mergedAt !== null ? "APPROVED" : random.pick(["COMMENTED", "COMMENTED", "CHANGES_REQUESTED", "APPROVED", "APPROVED", "DISMISSED"] as const);
      const commit = commits.findLast((c) => c.authoredAt <= submittedAt) ?? commits[0];
      return {
        id: pull.firstReviewId + index,
        author: random.chance(0.03) ? null : (this.pickMembers(random, 1, pull.author)[0] ?? null),
        state,
        body: state === "APPROVED" ? "LGTM" : state === "CHANGES_REQUESTED" ? "Please add a test." : "",
        submittedAt,
        commitSha: commit?.sha ?? pull.mergeCommitSha ?? "",
      };
    });
  }

  private generateComments(item: PullRequest | Issue, count: number): Comment[] {
    const random = this.random("comments", item.repo.index, item.number);
    const [start, end] = this.activityWindow(item);
    const times = Array.from({ length: count }, () => random.between(start, end)).sort((a, b) => a - b);
    return times.map((createdAt, index) => ({
      id: item.firstCommentId + index,
      author: random.chance(0.03) ? null : this.pickAuthor(random),
      body: random.pick(["Thanks!", "Can you take a look?", "Reproduced on main.", "Fixed in the latest push.", "+1"]),
      createdAt,
      updatedAt: random.chance(0.1) ? Math.min(end, createdAt + HOUR) : createdAt,
    }));
  }

  private generateReviewComments(pull: PullRequest): ReviewComment[] {
    const random = this.random("review-comments", pull.repo.index, pull.number);
    const [start, end] = this.activityWindow(pull);
    const reviews = this.reviews(pull);
    const commits = this.commits(pull);
    const times = Array.from({ length: pull.shape.reviewComments }, () => random.between(start, end)).sort((a, b) => a - b);
    const comments: ReviewComment[] = [];
    let thread = -1;
    times.forEach((createdAt, index) => {
      const opensThread = thread < 0 || random.chance(0.6);
      if (opensThread) thread += 1;
      const opener = comments.find((c) => c.thread === thread);
      const ext = words.EXTENSIONS[pull.repo.language] ?? "txt";
      comments.push({
        id: pull.firstReviewCommentId + index,
        author: random.chance(0.03) ? null : this.pickAuthor(random),
        body: random.pick(["Nit: naming.", "Could this be null?", "Why not reuse the helper?", "Done.", "Good catch."]),
        createdAt,
        updatedAt: createdAt,
        reviewId: reviews.length > 0 ? random.pick(reviews).id : null,
        path: opener?.path ?? `${random.pick(words.DIRECTORIES)}/${random.pick(words.FILE_STEMS)}.${ext}`,
        line: opener?.line ?? random.int(1, 400),
        commitSha: (commits.findLast((c) => c.authoredAt <= createdAt) ?? commits[0])?.sha ?? "",
        thread,
        inReplyTo: opener?.id ?? null,
      });
    });
    return comments;
  }

  // ---- default branches -------------------------------------------------------------------------------------

  /** The default branch's commits, oldest first (the head is last). */
  branch(repo: Repo): Commit[] {
    const content = this.content(repo);
    content.branch ??= this.generateBranch(repo, content);
    return content.branch;
  }

  private generateBranch(repo: Repo, content: RepoContent): Commit[] {
    const random = this.random("branch", repo.index);
    const count = Math.max(1, repo.planned.commits);
    const span = repo.pushedAt - repo.createdAt;
    const merged = content.pulls.filter((p) => p.mergedAt !== null);
    const commits: Commit[] = [];
    for (let index = 0; index < count; index += 1) {
      const at = repo.createdAt + Math.floor(((index + random.next()) / count) * span);
      const sha = commitSha({ on: "branch", repoIndex: repo.index, index });
      const parent = commits[index - 1]?.sha;
      const mergedPull = index > 0 && merged.length > 0 && random.chance(0.25) ? random.pick(merged) : undefined;
      if (mergedPull) {
        const head = commitSha({ on: "pull", repoIndex: repo.index, number: mergedPull.number, index: mergedPull.shape.commits - 1 });
        const merger = mergedPull.mergedBy ?? random.pick(this.org.members).person;
        commits.push(this.makeCommit(random, sha, merger, at, at, [parent!, head], `Merge pull request #${mergedPull.number} from ${this.org.login}/${mergedPull.headRef}`));
      } else {
        const author = this.pickAuthor(random);
        commits.push(this.makeCommit(random, sha, author, at - random.int(0, 48) * HOUR, at, parent ? [parent] : [], `${random.pick(words.VERBS)} ${random.pick(words.SUBJECTS)}`));
      }
    }
    return commits;
  }

  private branchCommitBefore(repo: Repo, at: number): Commit | undefined {
    const branch = this.branch(repo);
    return branch.findLast((c) => c.committedAt <= at) ?? branch[0];
  }

  /** Commits reachable from a branch name, PR head branch or sha, newest first (a PR branch continues into its base). */
  history(repo: Repo, ref: string): Commit[] | null {
    const branch = this.branch(repo);
    if (ref === repo.defaultBranch) return branch.toReversed();
    const location = locateCommit(ref);
    if (location?.on === "branch") return location.repoIndex === repo.index && branch[location.index] ? branch.slice(0, location.index + 1).toReversed() : null;
    const pull = location?.repoIndex === repo.index ? this.pull(repo, location.number) : this.pulls(repo).find((p) => p.headRef === ref);
    if (!pull) return null;
    const commits = this.commits(pull);
    const own = commits.slice(0, location ? location.index + 1 : commits.length).toReversed();
    const baseIndex = branch.findIndex((c) => c.sha === commits[0]?.parents[0]);
    return [...own, ...branch.slice(0, baseIndex + 1).toReversed()];
  }

  /** Any commit the server handed out, by sha. */
  commit(repo: Repo, sha: string): Commit | undefined {
    const location = locateCommit(sha);
    if (!location || location.repoIndex !== repo.index) return undefined;
    if (location.on === "branch") return this.branch(repo)[location.index];
    const pull = this.pull(repo, location.number);
    return pull ? this.commits(pull)[location.index] : undefined;
  }

  /** The files a commit touched, derived from its sha so the totals match its stats. */
  files(repo: Repo, commit: Commit): Array<{ filename: string; additions: number; deletions: number; status: "added" | "modified" | "removed" }> {
    const random = Random.of(this.seed, "files", commit.sha);
    const ext = words.EXTENSIONS[repo.language] ?? "txt";
    const names = new Set<string>();
    while (names.size < commit.changedFiles) {
      names.add(`${random.pick(words.DIRECTORIES)}/${random.pick(words.FILE_STEMS)}${names.size > 20 ? names.size : ""}.${ext}`);
    }
    const list = [...names];
    const share = (total: number, index: number) => Math.floor(total / list.length) + (index < total % list.length ? 1 : 0);
    return list.map((filename, index) => ({
      filename,
      additions: share(commit.additions, index),
      deletions: share(commit.deletions, index),
      status: random.chance(0.1) ? "added" : "modified",
    }));
  }
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const isString = (value: string | undefined): value is string => value !== undefined;
