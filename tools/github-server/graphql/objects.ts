import type { AccessToken } from "../auth/tokens.js";
import type { ServerContext } from "../context.js";
import { canAccess, installationById, installationOf } from "../installation.js";
import type { Bucket } from "../limits/rate-limits.js";
import { nodeId, parseNodeId } from "../org/ids.js";
import type { Comment, Commit, Issue, Member, Person, PullRequest, Repo, Review, ReviewComment } from "../org/model.js";
import { MILESTONES } from "../org/names.js";
import { iso, isoOrNull } from "../rest/urls.js";
import { hasPermission } from "../rest/access.js";
import { connection, type ConnectionArgs } from "./connection.js";
import type { QueryCost } from "./cost.js";
import { GitHubError } from "./errors.js";

export interface GraphqlCaller {
  identity: AccessToken;
  cost: QueryCost;
  bucket: Bucket;
}

interface OrderArgs extends ConnectionArgs {
  orderBy?: { field: "CREATED_AT" | "UPDATED_AT" | "COMMENTS"; direction: "ASC" | "DESC" } | null;
  states?: string[] | null;
  labels?: string[] | null;
}

type Dated = { createdAt: number; updatedAt: number; number: number };

function ordered<T extends Dated>(items: T[], orderBy: OrderArgs["orderBy"], comments: (item: T) => number): T[] {
  if (!orderBy) return items;
  const key = (item: T) => (orderBy.field === "UPDATED_AT" ? item.updatedAt : orderBy.field === "COMMENTS" ? comments(item) : item.createdAt);
  const sign = orderBy.direction === "DESC" ? -1 : 1;
  return items.toSorted((a, b) => sign * (key(a) - key(b) || a.number - b.number));
}

const headline = (message: string) => message.split("\n")[0] ?? "";

/**
 * Resolver objects for one GraphQL request. Each GitHub object is a plain object whose fields are values or
 * functions of the field's arguments (graphql-js calls them), carrying `__typename` so interfaces and unions
 * (Actor, Node, RequestedReviewer) resolve to the right type.
 */
export class GraphqlView {
  constructor(
    private readonly context: ServerContext,
    private readonly caller: GraphqlCaller,
  ) {}

  private get generated() {
    return this.context.generated;
  }

  // ---- access ---------------------------------------------------------------------------------------------

  private visible(repo: Repo): boolean {
    const { identity } = this.caller;
    if (identity.kind === "installation") {
      const installation = installationById(this.context.installations, identity.installationId);
      return installation !== undefined && canAccess(installation, repo) && (!identity.repositoryIds || identity.repositoryIds.has(repo.id));
    }
    return installationOf(this.context.installations, repo) !== undefined && this.generated.member(identity.person.login) !== undefined;
  }

  private require(permission: string): void {
    const { identity } = this.caller;
    const permissions = identity.kind === "installation" ? identity.permissions : (this.context.installations[0]?.permissions ?? {});
    if (!hasPermission(permissions, permission)) throw new GitHubError("FORBIDDEN", "Resource not accessible by integration");
  }

  private url(path: string): string {
    return `${this.context.urls.web}/${path}`;
  }

  // ---- root -----------------------------------------------------------------------------------------------

  root() {
    return {
      __typename: "Query",
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const found = this.generated.findRepo(owner, name);
        if (!found || !this.visible(found.repo)) throw new GitHubError("NOT_FOUND", `Could not resolve to a Repository with the name '${owner}/${name}'.`);
        return this.repository(found.repo);
      },
      organization: ({ login }: { login: string }) => {
        if (login.toLowerCase() !== this.generated.org.login.toLowerCase()) {
          throw new GitHubError("NOT_FOUND", `Could not resolve to an Organization with the login of '${login}'.`);
        }
        return this.organization();
      },
      user: ({ login }: { login: string }) => {
        const person = this.generated.person(login);
        if (!person || person.kind !== "User") throw new GitHubError("NOT_FOUND", `Could not resolve to a User with the login of '${login}'.`);
        return this.actor(person);
      },
      node: ({ id }: { id: string }) => this.node(id),
      nodes: ({ ids }: { ids: string[] }) => ids.map((id) => this.node(id)),
      viewer: () => {
        const { identity } = this.caller;
        if (identity.kind === "user") return this.actor(identity.person);
        const { app } = this.context.options;
        return { ...this.actor({ id: app.id * 1000, login: `${app.slug}[bot]`, name: app.name, email: "", kind: "Bot", createdAt: this.context.appCreatedAt }), __typename: "User" };
      },
      rateLimit: () => {
        const { bucket, cost } = this.caller;
        return { cost: cost.cost, limit: bucket.limit, remaining: bucket.remaining, used: bucket.used, resetAt: iso(bucket.resetAt), nodeCount: cost.nodes };
      },
    };
  }

  /** Global ids resolve to the object they name, if the caller could reach it another way. */
  private node(id: string) {
    const parsed = parseNodeId(id);
    const notFound = () => new GitHubError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
    if (!parsed) throw notFound();
    const [first, second, third] = parsed.key.split("/");
    const repo = first === undefined || !/^\d+$/.test(first) ? undefined : this.generated.org.repos[Number(first)];
    const visibleRepo = repo && this.visible(repo) ? repo : undefined;
    switch (parsed.kind) {
      case "Repository":
        if (visibleRepo) return this.repository(visibleRepo);
        break;
      case "PullRequest": {
        const pull = visibleRepo && this.generated.pull(visibleRepo, Number(second));
        if (pull) return this.pullRequest(pull);
        break;
      }
      case "Issue": {
        const item = visibleRepo && this.generated.item(visibleRepo, Number(second));
        if (item?.kind === "issue") return this.issue(item);
        break;
      }
      case "PullRequestReview": {
        const pull = visibleRepo && this.generated.pull(visibleRepo, Number(second));
        const review = pull && this.generated.reviews(pull).find((r) => r.id === Number(third));
        if (pull && review) return this.review(pull, review);
        break;
      }
      case "Commit": {
        const commit = visibleRepo && second ? this.generated.commit(visibleRepo, second) : undefined;
        if (visibleRepo && commit) return this.commit(visibleRepo, commit);
        break;
      }
      case "User":
      case "Bot": {
        const person = this.generated.org.authors.find((p) => p.id === Number(parsed.key));
        if (person) return this.actor(person);
        break;
      }
      case "Organization":
        if (Number(parsed.key) === this.generated.org.id) return this.organization();
        break;
    }
    throw notFound();
  }

  // ---- people ---------------------------------------------------------------------------------------------

  actor(person: Person | null) {
    if (!person) return null;
    const path = person.kind === "Bot" ? `apps/${person.login.replace("[bot]", "")}` : person.login;
    return {
      __typename: person.kind,
      id: nodeId(person.kind === "Bot" ? "Bot" : "User", person.id),
      databaseId: person.id,
      login: person.login,
      name: person.name,
      email: person.email,
      createdAt: iso(person.createdAt),
      updatedAt: iso(person.createdAt),
      url: this.url(path),
      resourcePath: `/${path}`,
      avatarUrl: () => this.context.urls.avatar(person.id),
    };
  }

  private gitActor(name: string, email: string, at: number, person: Person | null) {
    return { name, email, date: iso(at), user: person?.kind === "User" ? this.actor(person) : null, avatarUrl: () => this.context.urls.avatar(person?.id ?? 0) };
  }

  organization() {
    const { org } = this.generated;
    return {
      __typename: "Organization",
      id: nodeId("Organization", org.id),
      databaseId: org.id,
      login: org.login,
      name: org.name,
      createdAt: iso(org.createdAt),
      url: this.url(org.login),
      resourcePath: `/${org.login}`,
      avatarUrl: () => this.context.urls.avatar(org.id),
      membersWithRole: (args: ConnectionArgs) => {
        this.require("members");
        return connection(org.members, args, (m: Member) => this.actor(m.person), (m: Member) => ({ role: m.role.toUpperCase(), hasTwoFactorEnabled: null }));
      },
      repositories: (args: ConnectionArgs) => connection(org.repos.filter((repo) => this.visible(repo)), args, (repo) => this.repository(repo)),
    };
  }

  // ---- repositories and commits ---------------------------------------------------------------------------

  repository(repo: Repo) {
    const { org } = this.generated;
    const path = `${org.login}/${repo.name}`;
    return {
      __typename: "Repository",
      id: nodeId("Repository", repo.index),
      databaseId: repo.id,
      name: repo.name,
      nameWithOwner: path,
      description: repo.description,
      owner: this.organization(),
      url: this.url(path),
      resourcePath: `/${path}`,
      isPrivate: repo.isPrivate,
      visibility: repo.isPrivate ? "PRIVATE" : "PUBLIC",
      isArchived: repo.isArchived,
      isFork: repo.isFork,
      isDisabled: false,
      isEmpty: false,
      isTemplate: false,
      createdAt: iso(repo.createdAt),
      updatedAt: iso(repo.updatedAt),
      pushedAt: iso(repo.pushedAt),
      primaryLanguage: { __typename: "Language", id: nodeId("Repository", `lang-${repo.language}`), name: repo.language, color: "#3178c6" },
      repositoryTopics: (args: ConnectionArgs) =>
        connection(repo.topics, args, (topic) => ({ __typename: "RepositoryTopic", topic: { name: topic, id: nodeId("Repository", `topic-${topic}`) }, url: this.url(`topics/${topic}`) })),
      defaultBranchRef: () => this.branchRef(repo),
      object: ({ oid, expression }: { oid?: string; expression?: string }) => {
        this.require("contents");
        const commit = oid ? this.generated.commit(repo, oid) : expression === repo.defaultBranch ? this.generated.branch(repo).at(-1) : undefined;
        return commit ? this.commit(repo, commit) : null;
      },
      pullRequests: (args: OrderArgs & { baseRefName?: string | null; headRefName?: string | null }) => {
        this.require("pull_requests");
        const states = args.states ?? null;
        const pulls = this.generated
          .pulls(repo)
          .filter((p) => !states || states.includes(pullState(p)))
          .filter((p) => !args.baseRefName || p.baseRef === args.baseRefName)
          .filter((p) => !args.headRefName || p.headRef === args.headRefName)
          .filter((p) => !args.labels || args.labels.some((name) => p.labels.includes(name)));
        return connection(ordered(pulls, args.orderBy, (p) => p.shape.comments), args, (p) => this.pullRequest(p));
      },
      pullRequest: ({ number }: { number: number }) => {
        this.require("pull_requests");
        const pull = this.generated.pull(repo, number);
        if (!pull) throw new GitHubError("NOT_FOUND", `Could not resolve to a PullRequest with the number of ${number}.`);
        return this.pullRequest(pull);
      },
      issues: (args: OrderArgs & { filterBy?: { since?: string | null; states?: string[] | null } | null }) => {
        this.require("issues");
        const since = args.filterBy?.since ? Date.parse(args.filterBy.since) : undefined;
        const states = args.states ?? args.filterBy?.states ?? null;
        const issues = this.generated
          .issues(repo)
          .filter((issue) => !states || states.includes(issue.closedAt === null ? "OPEN" : "CLOSED"))
          .filter((issue) => since === undefined || issue.updatedAt >= since)
          .filter((issue) => !args.labels || args.labels.some((name) => issue.labels.includes(name)));
        return connection(ordered(issues, args.orderBy, (issue) => issue.commentCount), args, (issue) => this.issue(issue));
      },
      issue: ({ number }: { number: number }) => {
        this.require("issues");
        const item = this.generated.item(repo, number);
        if (item?.kind !== "issue") throw new GitHubError("NOT_FOUND", `Could not resolve to an Issue with the number of ${number}.`);
        return this.issue(item);
      },
    };
  }

  private branchRef(repo: Repo) {
    return {
      __typename: "Ref",
      id: nodeId("Repository", `ref-${repo.index}-${repo.defaultBranch}`),
      name: repo.defaultBranch,
      prefix: "refs/heads/",
      target: () => {
        this.require("contents");
        return this.commit(repo, this.generated.branch(repo).at(-1)!);
      },
    };
  }

  commit(repo: Repo, commit: Commit) {
    const path = `${this.generated.org.login}/${repo.name}/commit/${commit.sha}`;
    return {
      __typename: "Commit",
      id: nodeId("Commit", `${repo.index}/${commit.sha}`),
      oid: commit.sha,
      abbreviatedOid: commit.sha.slice(0, 7),
      message: commit.message,
      messageHeadline: headline(commit.message),
      messageBody: commit.message.split("\n").slice(2).join("\n"),
      url: this.url(path),
      resourcePath: `/${path}`,
      authoredDate: iso(commit.authoredAt),
      committedDate: iso(commit.committedAt),
      additions: commit.additions,
      deletions: commit.deletions,
      changedFiles: commit.changedFiles,
      changedFilesIfAvailable: commit.changedFiles,
      authoredByCommitter: commit.authorEmail === commit.committerEmail,
      author: this.gitActor(commit.authorName, commit.authorEmail, commit.authoredAt, commit.author),
      committer: this.gitActor(commit.committerName, commit.committerEmail, commit.committedAt, commit.committer),
      parents: (args: ConnectionArgs) =>
        connection(commit.parents, args, (sha) => {
          const parent = this.generated.commit(repo, sha);
          return parent ? this.commit(repo, parent) : { __typename: "Commit", oid: sha, id: nodeId("Commit", `${repo.index}/${sha}`) };
        }),
      history: (args: ConnectionArgs & { since?: string | null; until?: string | null }) => {
        const since = args.since ? Date.parse(args.since) : undefined;
        const until = args.until ? Date.parse(args.until) : undefined;
        const history = (this.generated.history(repo, commit.sha) ?? []).filter(
          (c) => (since === undefined || c.committedAt >= since) && (until === undefined || c.committedAt <= until),
        );
        return connection(history, args, (c) => this.commit(repo, c));
      },
    };
  }

  // ---- pull requests --------------------------------------------------------------------------------------

  pullRequest(pull: PullRequest) {
    const path = `${this.generated.org.login}/${pull.repo.name}/pull/${pull.number}`;
    const commits = () => this.generated.commits(pull);
    const state = pullState(pull);
    return {
      ...this.issueOrPull("PullRequest", pull, path),
      permalink: this.url(path),
      state,
      merged: pull.mergedAt !== null,
      isDraft: pull.draft,
      publishedAt: iso(pull.createdAt),
      mergedAt: isoOrNull(pull.mergedAt),
      mergedBy: this.actor(pull.mergedBy),
      baseRefName: pull.baseRef,
      headRefName: pull.headRef,
      baseRefOid: () => this.generated.branch(pull.repo).at(-1)!.sha,
      headRefOid: () => commits().at(-1)?.sha,
      additions: pull.additions,
      deletions: pull.deletions,
      changedFiles: pull.changedFiles,
      totalCommentsCount: pull.shape.comments + pull.shape.reviewComments,
      mergeCommit: () => (pull.mergeCommitSha && pull.mergedAt !== null ? { __typename: "Commit", oid: pull.mergeCommitSha, id: nodeId("Commit", `${pull.repo.index}/${pull.mergeCommitSha}`) } : null),
      reviewDecision: () => {
        const decisive = this.generated.reviews(pull).filter((r) => r.state === "APPROVED" || r.state === "CHANGES_REQUESTED");
        return decisive.at(-1)?.state ?? (pull.requestedReviewers.length > 0 ? "REVIEW_REQUIRED" : null);
      },
      reviewRequests: (args: ConnectionArgs) =>
        connection(pull.requestedReviewers, args, (person) => ({
          __typename: "ReviewRequest",
          id: nodeId("PullRequest", `${pull.repo.index}/${pull.number}/request-${person.id}`),
          asCodeOwner: false,
          requestedReviewer: this.actor(person),
        })),
      reviews: (args: ConnectionArgs & { states?: string[] | null }) => {
        const reviews = this.generated.reviews(pull).filter((r) => !args.states || args.states.includes(r.state));
        return connection(reviews, args, (review) => this.review(pull, review));
      },
      commits: (args: ConnectionArgs) =>
        connection(commits(), args, (commit) => ({
          __typename: "PullRequestCommit",
          id: nodeId("Commit", `${pull.repo.index}/${commit.sha}/pr-${pull.number}`),
          url: this.url(`${path}/commits/${commit.sha}`),
          resourcePath: `/${path}/commits/${commit.sha}`,
          commit: this.commit(pull.repo, commit),
          pullRequest: () => this.pullRequest(pull),
        })),
      comments: (args: ConnectionArgs) => connection(this.generated.comments(pull), args, (comment) => this.comment(comment, `${path}#issuecomment-${comment.id}`)),
      timelineItems: (args: ConnectionArgs & { itemTypes?: string[] | null; since?: string | null; skip?: number | null }) => {
        // Only the events Tributary reads are modelled; asking for others (or for every kind) fails loudly.
        const others = args.itemTypes?.filter((type) => type !== "READY_FOR_REVIEW_EVENT") ?? ["every kind"];
        if (others.length > 0) throw new GitHubError("NOT_IMPLEMENTED", `Timeline items of ${others.join(", ")} are not modelled by the local GitHub server.`);
        const since = args.since ? Date.parse(args.since) : undefined;
        const events = pull.readyForReview.filter((at) => since === undefined || at >= since).slice(args.skip ?? 0);
        return connection(events, args, (at) => this.readyForReviewEvent(pull, at, path));
      },
      reviewThreads: (args: ConnectionArgs) => {
        const threads: ReviewComment[][] = [];
        for (const comment of this.generated.reviewComments(pull)) (threads[comment.thread] ??= []).push(comment);
        return connection(threads, args, (comments) => this.reviewThread(pull, comments));
      },
    };
  }

  private readyForReviewEvent(pull: PullRequest, at: number, path: string) {
    return {
      __typename: "ReadyForReviewEvent",
      id: nodeId("ReadyForReviewEvent", `${pull.repo.index}/${pull.number}/${at}`),
      createdAt: iso(at),
      actor: this.actor(pull.author),
      pullRequest: () => this.pullRequest(pull),
      url: this.url(path),
      resourcePath: `/${path}`,
    };
  }

  private review(pull: PullRequest, review: Review) {
    const path = `${this.generated.org.login}/${pull.repo.name}/pull/${pull.number}#pullrequestreview-${review.id}`;
    return {
      __typename: "PullRequestReview",
      id: nodeId("PullRequestReview", `${pull.repo.index}/${pull.number}/${review.id}`),
      databaseId: review.id,
      state: review.state,
      body: review.body,
      url: this.url(path),
      resourcePath: `/${path}`,
      author: this.actor(review.author),
      authorAssociation: review.author && this.generated.member(review.author.login) ? "MEMBER" : "NONE",
      createdAt: iso(review.submittedAt),
      submittedAt: iso(review.submittedAt),
      publishedAt: iso(review.submittedAt),
      updatedAt: iso(review.submittedAt),
      lastEditedAt: null,
      commit: () => {
        const commit = this.generated.commit(pull.repo, review.commitSha);
        return commit ? this.commit(pull.repo, commit) : null;
      },
      pullRequest: () => this.pullRequest(pull),
      comments: (args: ConnectionArgs) =>
        connection(this.generated.reviewComments(pull).filter((c) => c.reviewId === review.id), args, (c) => this.reviewComment(pull, c)),
    };
  }

  private reviewThread(pull: PullRequest, comments: ReviewComment[]) {
    const first = comments[0]!;
    return {
      __typename: "PullRequestReviewThread",
      id: nodeId("PullRequestReviewThread", `${pull.repo.index}/${pull.number}/${first.thread}`),
      path: first.path,
      line: first.line,
      isResolved: pull.closedAt !== null,
      isOutdated: false,
      isCollapsed: false,
      comments: (args: ConnectionArgs) => connection(comments, args, (c) => this.reviewComment(pull, c)),
    };
  }

  private reviewComment(pull: PullRequest, comment: ReviewComment) {
    return {
      ...this.comment(comment, `${this.generated.org.login}/${pull.repo.name}/pull/${pull.number}#discussion_r${comment.id}`),
      __typename: "PullRequestReviewComment",
      id: nodeId("PullRequestReviewComment", `${pull.repo.index}/${pull.number}/${comment.id}`),
      path: comment.path,
      line: comment.line,
      replyTo: null,
    };
  }

  private comment(comment: Comment, path: string) {
    return {
      __typename: "IssueComment",
      id: nodeId("IssueComment", String(comment.id)),
      databaseId: comment.id,
      body: comment.body,
      url: this.url(path),
      author: this.actor(comment.author),
      createdAt: iso(comment.createdAt),
      updatedAt: iso(comment.updatedAt),
      publishedAt: iso(comment.createdAt),
      lastEditedAt: comment.updatedAt === comment.createdAt ? null : iso(comment.updatedAt),
    };
  }

  private label(name: string) {
    return { __typename: "Label", id: nodeId("Issue", `label-${name}`), name, color: "ededed", description: null, isDefault: false };
  }

  /** The fields issues and pull requests answer alike (the interfaces GitHub gives both: Node, UniformResourceLocatable, Closable, Labelable, Assignable, RepositoryNode). */
  private issueOrPull(typename: "Issue" | "PullRequest", item: Issue | PullRequest, path: string) {
    return {
      __typename: typename,
      id: nodeId(typename, `${item.repo.index}/${item.number}`),
      databaseId: item.id,
      number: item.number,
      title: item.title,
      body: item.body,
      url: this.url(path),
      resourcePath: `/${path}`,
      closed: item.closedAt !== null,
      locked: false,
      createdAt: iso(item.createdAt),
      updatedAt: iso(item.updatedAt),
      closedAt: isoOrNull(item.closedAt),
      author: this.actor(item.author),
      repository: () => this.repository(item.repo),
      labels: (args: ConnectionArgs) => connection(item.labels, args, (name) => this.label(name)),
      assignees: (args: ConnectionArgs) => connection(item.assignees, args, (person) => this.actor(person)),
    };
  }

  // ---- issues ---------------------------------------------------------------------------------------------

  issue(issue: Issue) {
    const path = `${this.generated.org.login}/${issue.repo.name}/issues/${issue.number}`;
    return {
      ...this.issueOrPull("Issue", issue, path),
      state: issue.closedAt === null ? "OPEN" : "CLOSED",
      stateReason: issue.stateReason?.toUpperCase() ?? null,
      milestone: issue.milestone
        ? { __typename: "Milestone", id: nodeId("Issue", `milestone-${issue.milestone}`), title: issue.milestone, number: MILESTONES.indexOf(issue.milestone as (typeof MILESTONES)[number]) + 1, state: "OPEN", dueOn: null }
        : null,
      comments: (args: ConnectionArgs) => connection(this.generated.comments(issue), args, (comment) => this.comment(comment, `${path}#issuecomment-${comment.id}`)),
    };
  }
}

function pullState(pull: PullRequest): "OPEN" | "CLOSED" | "MERGED" {
  return pull.mergedAt !== null ? "MERGED" : pull.closedAt !== null ? "CLOSED" : "OPEN";
}
