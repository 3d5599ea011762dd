import type { ServerContext } from "./context.js";
import { installationById, installationOf, installedRepos, type Installation } from "./installation.js";
import { OrgActivity } from "./org/activity.js";
import type { Issue, PullRequest, Repo } from "./org/model.js";
import { Random } from "./random.js";
import type { Delivery } from "./webhooks/deliveries.js";
import * as payloads from "./webhooks/payloads.js";
import { sendWebhook, type WebhookEvent } from "./webhooks/send.js";

export interface InstallOptions {
  /** The installation's id; absent = the server's `installation.id` option. */
  id?: number;
  /**
   * Repository names for a "selected" installation; absent = all repositories. A further installation (standing
   * for another organization) must name its repositories, none of them another installation's.
   */
  repositories?: string[];
  /** Who installs (default: the first org admin). */
  sender?: string;
}

/** Repository names to add to or remove from the installation (which then lists selected repositories). */
export interface RepositoryChange {
  add?: string[];
  remove?: string[];
}

export interface ActivityOptions {
  pullRequests?: number;
  /** Draft pull requests marked ready for review (a ReadyForReviewEvent in their timeline): `pull_request.ready_for_review`. */
  readyForReview?: number;
  reviews?: number;
  pushes?: number;
  merges?: number;
  issues?: number;
  comments?: number;
  /** Issues deleted: `issues.deleted`; REST answers 410 for them and GraphQL no longer finds them. */
  deletions?: number;
  /**
   * Open issues transferred to another repository of the organization: `issues.opened` in the target (when the
   * installation covers it), then `issues.transferred`; REST answers 301 for the old number.
   */
  transfers?: number;
  /** Repositories removed from the installation, in one `installation_repositories.removed` (at least one stays). */
  repositoryRemovals?: number;
}

type Send = (event: WebhookEvent) => Promise<unknown>;

/** Installation lifecycle and live activity, each ending in the webhook GitHub would send. */
export class Simulator {
  private readonly activity: OrgActivity;
  private rounds = 0;

  constructor(private readonly context: ServerContext) {
    this.activity = new OrgActivity(context.generated, context.now);
  }

  /** Creates an installation (as an org owner would) without sending anything: the server's starting state. */
  createInstallation(id: number, repositories?: string[]): Installation {
    const { app } = this.context.options;
    const { installations } = this.context;
    if (installationById(installations, id)) throw new Error(`The app already has installation ${id}`);
    if (installations.length > 0 && !repositories) throw new Error("The app is already installed on the organization: a further installation selects repositories");
    const selected = repositories?.map((name) => {
      const found = this.context.generated.findRepo(this.context.generated.org.login, name);
      if (!found) throw new Error(`No repository named ${name} in the generated organization`);
      if (installationOf(installations, found.repo)) throw new Error(`Repository ${name} is already in an installation`);
      return found.repo.id;
    });
    const at = this.context.now();
    const installation: Installation = {
      id,
      createdAt: at,
      updatedAt: at,
      repositorySelection: selected ? "selected" : "all",
      selectedRepoIds: new Set(selected ?? []),
      suspendedAt: null,
      suspendedBy: null,
      permissions: { ...app.permissions },
      events: [...app.events],
    };
    installations.push(installation);
    return installation;
  }

  private sender(login?: string) {
    const person = login ? this.context.generated.person(login) : this.context.generated.admins()[0];
    if (!person) throw new Error(`No such user: ${login}`);
    return person;
  }

  private send(event: WebhookEvent): Promise<Delivery> {
    return sendWebhook(this.context, event);
  }

  private envelope(repo: Repo) {
    const installation = installationOf(this.context.installations, repo);
    if (!installation) throw new Error(`The app is not installed on ${repo.name}: call simulateInstall() first`);
    return {
      repository: payloads.repository(this.context, repo),
      organization: payloads.organization(this.context),
      installation: payloads.installationLite(installation),
    };
  }

  private pullEnvelope(pull: PullRequest) {
    return {
      number: pull.number,
      pull_request: payloads.pullRequest(this.context, pull),
      ...this.envelope(pull.repo),
      sender: payloads.personUser(this.context, pull.author),
    };
  }

  async install(options: InstallOptions = {}): Promise<{ installation: Installation; delivery: Delivery }> {
    const installation = this.createInstallation(options.id ?? this.context.options.installation.id, options.repositories);
    const repos = installedRepos(installation, this.context.generated.org.repos);
    const delivery = await this.send({
      name: "installation",
      payload: {
        action: "created",
        installation: payloads.installation(this.context, installation),
        repositories: repos.map((repo) => ({ id: repo.id, node_id: payloads.repository(this.context, repo).node_id, name: repo.name, full_name: `${this.context.generated.org.login}/${repo.name}`, private: repo.isPrivate })),
        sender: payloads.personUser(this.context, this.sender(options.sender)),
      },
    });
    return { installation, delivery };
  }

  /** Adds repositories to (or removes them from) the first installation, which then selects repositories. */
  async changeRepositories(change: RepositoryChange, senderLogin?: string): Promise<Delivery[]> {
    const installation = this.context.installations[0];
    if (!installation) throw new Error("The app is not installed");
    const repoNamed = (name: string) => {
      const found = this.context.generated.findRepo(this.context.generated.org.login, name);
      if (!found) throw new Error(`No repository named ${name}`);
      return found.repo;
    };
    const added = (change.add ?? []).map(repoNamed);
    const removed = (change.remove ?? []).map(repoNamed);
    if (installation.repositorySelection === "all") {
      installation.repositorySelection = "selected";
      installation.selectedRepoIds = new Set(this.context.generated.org.repos.map((repo) => repo.id));
    }
    for (const repo of added) installation.selectedRepoIds.add(repo.id);
    for (const repo of removed) installation.selectedRepoIds.delete(repo.id);
    installation.updatedAt = this.context.now();
    const brief = (repo: Repo) => ({ id: repo.id, node_id: payloads.repository(this.context, repo).node_id, name: repo.name, full_name: `${this.context.generated.org.login}/${repo.name}`, private: repo.isPrivate });
    const body = {
      installation: payloads.installation(this.context, installation),
      repository_selection: "selected" as const,
      requester: null,
      sender: payloads.personUser(this.context, this.sender(senderLogin)),
    };
    // GitHub announces additions and removals in separate deliveries.
    const deliveries: Delivery[] = [];
    if (added.length > 0) {
      deliveries.push(await this.send({ name: "installation_repositories", payload: { action: "added", ...body, repositories_added: added.map(brief), repositories_removed: [] } }));
    }
    if (removed.length > 0) {
      deliveries.push(await this.send({ name: "installation_repositories", payload: { action: "removed", ...body, repositories_added: [], repositories_removed: removed.map(brief) } }));
    }
    return deliveries;
  }

  /**
   * Live activity on installed, unarchived repositories: each change is applied to the organization first (so
   * REST and GraphQL reads reflect it) and then announced by webhook. Deliveries are sent one after another.
   */
  async run(options: ActivityOptions): Promise<Delivery[]> {
    const [installation] = this.context.installations;
    if (!installation) throw new Error("The app is not installed: call simulateInstall() first");
    const random = Random.of(this.context.generated.seed, "activity-round", ++this.rounds);
    const repos = this.context.installations.flatMap((each) => installedRepos(each, this.context.generated.org.repos)).filter((repo) => !repo.isArchived);
    if (repos.length === 0) return [];
    const openPulls = () => repos.flatMap((repo) => this.context.generated.pulls(repo).filter((p) => p.closedAt === null && !p.draft));
    const deliveries: Delivery[] = [];
    const send = async (event: WebhookEvent) => deliveries.push(await this.send(event));

    for (let i = 0; i < (options.pullRequests ?? 0); i += 1) {
      const pull = this.activity.openPull(random.pick(repos));
      const body = this.pullEnvelope(pull);
      await send({ name: "pull_request", payload: { action: "opened", ...body, pull_request: { ...body.pull_request, state: "open", closed_at: null, merged_at: null, active_lock_reason: null, merged_by: null } } });
    }
    for (let i = 0; i < (options.readyForReview ?? 0); i += 1) {
      const drafts = repos.flatMap((repo) => this.context.generated.pulls(repo).filter((p) => p.closedAt === null && p.draft));
      if (drafts.length === 0) break;
      const pull = random.pick(drafts);
      this.activity.markReady(pull);
      const body = this.pullEnvelope(pull);
      await send({
        name: "pull_request",
        payload: { action: "ready_for_review", ...body, pull_request: { ...body.pull_request, state: "open", closed_at: null, merged_at: null, draft: false, merged: false, merged_by: null } },
      });
    }
    for (let i = 0; i < (options.reviews ?? 0); i += 1) {
      const candidates = openPulls();
      if (candidates.length === 0) break;
      const pull = random.pick(candidates);
      const review = this.activity.review(pull);
      await send({
        name: "pull_request_review",
        payload: { action: "submitted", review: payloads.review(this.context, pull, review), pull_request: payloads.simplePullRequest(this.context, pull), ...this.envelope(pull.repo), sender: payloads.personUser(this.context, review.author) },
      });
    }
    for (let i = 0; i < (options.pushes ?? 0); i += 1) {
      const candidates = openPulls();
      if (candidates.length > 0 && random.chance(0.5)) {
        const pull = random.pick(candidates);
        const { before, commits } = this.activity.pushToPull(pull, random.int(1, 3));
        await this.sendPush(pull.repo, `refs/heads/${pull.headRef}`, before, commits, send);
        await send({ name: "pull_request", payload: { action: "synchronize", before, after: commits.at(-1)!.sha, ...this.pullEnvelope(pull) } });
      } else {
        const repo = random.pick(repos);
        const { before, commits } = this.activity.pushToBranch(repo, random.int(1, 3));
        await this.sendPush(repo, `refs/heads/${repo.defaultBranch}`, before, commits, send);
      }
    }
    for (let i = 0; i < (options.merges ?? 0); i += 1) {
      const candidates = openPulls();
      if (candidates.length === 0) break;
      const pull = random.pick(candidates);
      const before = this.context.generated.branch(pull.repo).at(-1)!.sha;
      const merge = this.activity.merge(pull);
      const body = this.pullEnvelope(pull);
      await send({ name: "pull_request", payload: { action: "closed", ...body, pull_request: { ...body.pull_request, state: "closed", closed_at: body.pull_request.closed_at!, merged: true } } });
      await this.sendPush(pull.repo, `refs/heads/${pull.repo.defaultBranch}`, before, [merge], send);
    }
    for (let i = 0; i < (options.issues ?? 0); i += 1) {
      const repo = random.pick(repos);
      const open = this.context.generated.issues(repo).filter((issue) => issue.closedAt === null);
      const closing = open.length > 0 && random.chance(0.3);
      const issue = closing ? random.pick(open) : this.activity.openIssue(repo);
      if (closing) this.activity.closeIssue(issue);
      const issuePayload = payloads.issue(this.context, issue);
      const common = { ...this.envelope(repo), sender: payloads.personUser(this.context, issue.author) };
      await send({
        name: "issues",
        payload: closing
          ? { action: "closed", issue: { ...issuePayload, state: "closed", closed_at: issuePayload.closed_at! }, ...common }
          : { action: "opened", issue: { ...issuePayload, state: "open", closed_at: null }, ...common },
      });
    }
    for (let i = 0; i < (options.comments ?? 0); i += 1) {
      const repo = random.pick(repos);
      const issues = this.context.generated.issues(repo);
      if (issues.length === 0) continue;
      const issue = random.pick(issues);
      const comment = this.activity.comment(issue);
      await send({ name: "issue_comment", payload: { action: "created", issue: payloads.issue(this.context, issue), comment: payloads.issueComment(this.context, issue, comment), ...this.envelope(repo), sender: payloads.personUser(this.context, comment.author) } });
    }
    for (let i = 0; i < (options.deletions ?? 0); i += 1) {
      const issues = repos.flatMap((repo) => this.context.generated.issues(repo));
      if (issues.length === 0) break;
      await this.deleteIssue(random.pick(issues), random, send);
    }
    for (let i = 0; i < (options.transfers ?? 0); i += 1) {
      const issues = repos.flatMap((repo) => (this.transferTargets(repo).length > 0 ? this.context.generated.issues(repo) : [])).filter((issue) => issue.closedAt === null);
      if (issues.length === 0) break;
      const issue = random.pick(issues);
      await this.transferIssue(issue, random.pick(this.transferTargets(issue.repo)), random, send);
    }
    // Last, so that the round's other activity happened on repositories the app could still see.
    const removals = options.repositoryRemovals ?? 0;
    if (removals > 0) {
      const installed = installedRepos(installation, this.context.generated.org.repos);
      const removed = random.shuffle([...installed]).slice(0, Math.min(removals, installed.length - 1));
      if (removed.length > 0) deliveries.push(...(await this.changeRepositories({ remove: removed.map((repo) => repo.name) }, random.pick(this.context.generated.admins()).login)));
    }
    return deliveries;
  }

  private async deleteIssue(issue: Issue, random: Random, send: Send): Promise<void> {
    const before = payloads.issue(this.context, issue);
    this.activity.deleteIssue(issue);
    const sender = payloads.personUser(this.context, random.pick(this.context.generated.admins()));
    await send({ name: "issues", payload: { action: "deleted", issue: before, ...this.envelope(issue.repo), sender } });
  }

  /** Where GitHub lets an issue move: another unarchived repository of the owner, never from private to public. */
  private transferTargets(from: Repo): Repo[] {
    return this.context.generated.org.repos.filter((repo) => repo !== from && !repo.isArchived && (repo.isPrivate || !from.isPrivate));
  }

  private async transferIssue(issue: Issue, target: Repo, random: Random, send: Send): Promise<void> {
    const before = payloads.issue(this.context, issue);
    const moved = this.activity.transferIssue(issue, target);
    const newIssue = payloads.issue(this.context, moved);
    const sender = payloads.personUser(this.context, random.pick(this.context.generated.admins()));
    // GitHub opens the issue in the target repository, then tells the source repository where it went.
    if (installationOf(this.context.installations, target)) {
      await send({ name: "issues", payload: { action: "opened", issue: { ...newIssue, state: "open", closed_at: null }, ...this.envelope(target), sender } });
    }
    await send({ name: "issues", payload: { action: "transferred", changes: { new_issue: newIssue, new_repository: payloads.repository(this.context, target) }, issue: before, ...this.envelope(issue.repo), sender } });
  }

  private async sendPush(repo: Repo, ref: string, before: string, commits: ReturnType<OrgActivity["pushToBranch"]>["commits"], send: Send) {
    const head = commits.at(-1)!;
    const pusher = head.author ?? this.context.generated.org.members[0]!.person;
    const { org } = this.context.generated;
    await send({
      name: "push",
      payload: {
        ref,
        before,
        after: head.sha,
        created: false,
        deleted: false,
        forced: false,
        base_ref: null,
        compare: `${this.context.urls.web}/${org.login}/${repo.name}/compare/${before.slice(0, 12)}...${head.sha.slice(0, 12)}`,
        commits: commits.map((commit) => payloads.pushCommit(this.context, repo, commit)),
        head_commit: payloads.pushCommit(this.context, repo, head),
        ...this.envelope(repo),
        repository: payloads.repository(this.context, repo, "epoch"),
        pusher: { name: pusher.login, email: pusher.email },
        sender: payloads.personUser(this.context, pusher),
      },
    });
  }
}
