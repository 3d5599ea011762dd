import { meterSpend } from "../github/budget-spend.js";
import { JobCancelled, RetryLater } from "../jobs/worker.js";
import { importStates, isUnread, markStopped } from "../storage/import-statuses.js";
import { decideIngestion } from "../storage/ingestion-scope.js";
import type { Job } from "../storage/models/job.js";
import type { Service } from "../storage/models/import-status.js";
import { listRepositories } from "../storage/repositories.js";
import { QUERY_TIMEOUT_MS } from "./adaptive-page-size.js";
import { commitPage, holdsAllCommits, type RepositoryNode } from "./commits.js";
import { queueImports, type BackfillPayload, type FirstPagesPayload } from "./control.js";
import { installationOctokit, repositoryTarget, type InstallationOctokit, type RepositoryTarget } from "./github-access.js";
import { syncNewestFirst, type NewestFirstSource, type Page } from "./newest-first-sync.js";
import { holdsAllPullRequests, pullRequestPage, type PullRequestConnection } from "./pull-requests.js";
import { firstPagesQuery } from "./queries.js";
import { recordSpend, stopCheck, type BackfillDependencies } from "./run-context.js";
import { serviceSource, type PullRequestPaging } from "./sources.js";
import { holdsAllIssues, ticketPage, type IssueConnection } from "./tickets.js";

/** One repository in the answer to `firstPagesQuery`: the fields of the services asked for it. */
type RepositoryAnswer = RepositoryNode & { pullRequests: PullRequestConnection; issues: IssueConnection };

/**
 * A service's first page out of the answer, when it is all the repository holds (nested lists included); null when
 * it is not: the service is then read the usual way, from its start, with pages of the usual size.
 */
async function wholeFirstPage(service: Service, octokit: InstallationOctokit, repo: RepositoryTarget, answer: RepositoryAnswer): Promise<Page<unknown> | null> {
  switch (service) {
    case "repos":
      return holdsAllCommits(answer) ? commitPage(repo, answer, null) : null;
    case "pullRequests":
      return holdsAllPullRequests(answer.pullRequests) ? pullRequestPage(octokit, answer.pullRequests, null) : null;
    case "tickets":
      return holdsAllIssues(answer.issues) ? ticketPage(answer.issues) : null;
  }
}

/** The source, with its first page already read: GitHub is asked only should the sync read on (it never does). */
function withFirstPage<N>(source: NewestFirstSource<N>, first: Page<N>): NewestFirstSource<N> {
  let unread: Page<N> | null = first;
  return {
    ...source,
    fetchPage(cursor, since) {
      const page = cursor === null ? unread : null;
      unread = null;
      return page ? Promise.resolve(page) : source.fetchPage(cursor, since);
    },
  };
}

const importKey = ({ repositoryId, service }: BackfillPayload) => `${service}:${repositoryId}`;

/**
 * Of the imports a first-pages job was asked for, those still unread (and not stopped or failed since), and those a
 * run has read since that are still under way: one of this job's runs stopped after storing a page leaves its import
 * importing with a cursor, and it goes on as a job of its own.
 */
async function sortImports(payload: FirstPagesPayload) {
  const asked = new Set(payload.imports.flatMap(({ repositoryId, services }) => services.map((service) => importKey({ repositoryId, service }))));
  const states = (await importStates(payload.imports.map((item) => item.repositoryId), [...new Set(payload.imports.flatMap((item) => item.services))])).filter(
    (status) => asked.has(importKey(status)) && (status.state === "pending" || status.state === "importing"),
  );
  const imports = (unread: boolean) => states.filter((status) => isUnread(status) === unread).map(({ repositoryId, service }) => ({ repositoryId, service }));
  return { unread: imports(true), underWay: imports(false) };
}

/** Marks stopped the imports that may no longer be read (service off, repository removed, …); returns the others. */
async function readable(installationId: number, imports: BackfillPayload[]): Promise<BackfillPayload[]> {
  const decisions = await Promise.all(imports.map(({ repositoryId, service }) => decideIngestion(installationId, repositoryId, service)));
  const stopped = imports.filter((_, i) => !decisions[i]!.ingest);
  for (const { repositoryId, service } of stopped) await markStopped(installationId, service, [repositoryId]);
  return imports.filter((_, i) => decisions[i]!.ingest);
}

interface RepositoryRead {
  repo: RepositoryTarget;
  services: Service[];
}

function byRepository(repositories: RepositoryTarget[], imports: BackfillPayload[]): RepositoryRead[] {
  return repositories
    .map((repo) => ({ repo, services: imports.filter((item) => item.repositoryId === repo.githubId).map((item) => item.service) }))
    .filter((read) => read.services.length > 0);
}

/**
 * Reads never-read imports of up to FIRST_PAGES_BATCH repositories (see control.ts) with one GraphQL query: the
 * first page of each service of each repository, with short nested lists. A service whose page is all its
 * repository holds is stored and finished from it, as its own job's run would from the same page; any other goes on
 * as a job of its own, read the usual way. So an organization of many small repositories costs a fraction of a
 * request per repository rather than one per service, and a large repository one small page more. Should the query
 * fail (a repository renamed or gone, a timeout), every import goes to its own job, which deals with it.
 */
export async function readFirstPages(dependencies: BackfillDependencies, paging: PullRequestPaging, job: Job, signal: AbortSignal): Promise<void> {
  const { probot, budget, log, queryTimeoutMs = QUERY_TIMEOUT_MS } = dependencies;
  const { installationId } = job;
  const { unread, underWay } = await sortImports(job.payload as FirstPagesPayload);
  await queueImports(installationId, underWay, "leave");
  const toRead = await readable(installationId, unread);
  const repositoryIds = [...new Set(toRead.map((item) => item.repositoryId))];
  const reads = byRepository((await listRepositories(installationId, { repositoryIds })).map(repositoryTarget), toRead);
  if (reads.length === 0) return;
  signal.throwIfAborted();

  const octokit = await installationOctokit(probot, installationId, budget);
  const spend = meterSpend(octokit);
  const variables = Object.fromEntries(reads.flatMap(({ repo }, i) => [[`owner${i}`, repo.owner], [`name${i}`, repo.name]]));
  let answer: Record<string, RepositoryAnswer>;
  try {
    answer = await octokit.graphql<Record<string, RepositoryAnswer>>(firstPagesQuery(reads.map((read) => read.services)), {
      ...variables,
      request: { retries: 0, signal: AbortSignal.timeout(queryTimeoutMs) },
    });
  } catch (error) {
    if (signal.aborted || error instanceof RetryLater) throw error;
    log.warn({ err: error, installationId, repositories: reads.length }, "could not read first pages together; each import is read by a job of its own");
    await queueImports(installationId, toRead);
    return;
  } finally {
    // Each import read is charged an equal part of the query.
    const share = { graphqlPoints: spend.graphqlPoints / toRead.length, restRequests: 0 };
    await Promise.all(toRead.map(({ repositoryId, service }) => recordSpend(log, repositoryId, service, share)));
  }

  const imports = reads.flatMap(({ repo, services }, i) => services.map((service) => ({ repo, service, answer: answer[`r${i}`]! })));
  const outcomes = await Promise.all(
    imports.map(({ repo, service, answer }) =>
      readImport(octokit, paging, repo, service, answer, stopCheck(signal, installationId, repo.githubId, service)).catch((error: unknown) => {
        if (error instanceof JobCancelled) return markStopped(installationId, service, [repo.githubId]).then(() => "stopped" as const);
        if (!signal.aborted) log.warn({ err: error, repositoryId: repo.githubId, service }, "could not store a first page; the import is read by a job of its own");
        return "on its own" as const;
      }),
    ),
  );
  // Interrupted (shutdown, lease lost): the job runs again, and reads what is still unread.
  signal.throwIfAborted();
  await queueImports(
    installationId,
    imports.filter((_, i) => outcomes[i] === "on its own").map(({ repo, service }) => ({ repositoryId: repo.githubId, service })),
  );
}

/** Stores and finishes one import from its first page, or says it is to be read on its own. */
async function readImport(
  octokit: InstallationOctokit,
  paging: PullRequestPaging,
  repo: RepositoryTarget,
  service: Service,
  answer: RepositoryAnswer,
  throwIfStopped: () => Promise<void>,
): Promise<"read" | "on its own"> {
  const page = await wholeFirstPage(service, octokit, repo, answer);
  if (!page) return "on its own";
  // An unread import has nothing to probe: a full run never asks whether anything changed.
  const noProbe = () => Promise.resolve({ changed: true, etag: null });
  await syncNewestFirst(repo.githubId, withFirstPage(serviceSource(service, octokit, repo, paging), page), noProbe, throwIfStopped);
  return "read";
}
