import { get as httpGet } from "node:http";
import { markDone, markPending } from "../src/storage/import-statuses.js";
import { SERVICES } from "../src/storage/models/import-status.js";
import { setRepositoryGrants } from "../src/storage/repositories.js";
import { recountStored } from "../src/storage/stored-counts.js";
import { startStack } from "../tools/demo/stack.js";
import { waitForBackfill } from "../tools/demo/import-progress.js";
import { fillPullRequests, latencyOf, timeEach, type Latency } from "./database.js";
import { round1 } from "./figures.js";
import { SYNTHETIC_REPOSITORIES, syntheticRepositoryId } from "./synthetic-pull-requests.js";

export interface WebPagesPlan {
  /** Pull requests stored at each measurement (1×, 10×, 100×), across the same repositories. */
  sizes: number[];
  /** Timed requests per page and size. */
  samples: number;
}

/** The issue's target: from 1× to 100× the records, the repositories page and API grow at most this much. */
export const WEB_TARGET_GROWTH = 1.5;

export interface WebPageFigures {
  records: number;
  page: Latency;
  api: Latency;
}

export interface WebPagesMeasurement {
  repositories: number;
  sizes: WebPageFigures[];
  /** p95 at the largest size over p95 at the smallest. */
  growth: { page: number; api: number };
  /** Seconds the re-count of every repository took at each size (what each run's end does for its repository). */
  recountSeconds: number[];
}

interface Answer {
  status: number;
  location: string | undefined;
  setCookies: string[];
}

/** A GET through node:http (fetch folds a response's several Set-Cookie headers together), body read and dropped. */
function get(url: string, cookie: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { cookie } }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, location: response.headers.location, setCookies: response.headers["set-cookie"] ?? [] }));
      response.on("error", reject);
    }).on("error", reject);
  });
}

/** Signs in through the app's OAuth flow and the local GitHub (which approves its org's owner), following redirects by hand. */
async function signIn(appUrl: string): Promise<string> {
  const jar = new Map<string, Map<string, string>>();
  let url = `${appUrl}/auth/github?returnTo=/integrations`;
  for (let hop = 0; hop < 6; hop += 1) {
    const host = new URL(url).host;
    const cookies = jar.get(host) ?? new Map<string, string>();
    jar.set(host, cookies);
    const answer = await get(url, [...cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    for (const cookie of answer.setCookies) {
      const [name, ...value] = cookie.split(";")[0]!.split("=");
      cookies.set(name!.trim(), value.join("="));
    }
    if (!answer.location) break;
    url = new URL(answer.location, url).toString();
  }
  const appCookies = jar.get(new URL(appUrl).host) ?? new Map<string, string>();
  if (![...appCookies.keys()].some((name) => name.includes("session"))) throw new Error("The bench could not sign in to the app through the local GitHub");
  return [...appCookies].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** The synthetic pull requests' repositories, granted to the installation and imported, as an organization's would be. */
async function grantSyntheticRepositories(installationId: number, owner: string): Promise<number[]> {
  const ids = Array.from({ length: SYNTHETIC_REPOSITORIES }, (_, index) => syntheticRepositoryId(index));
  await setRepositoryGrants(
    installationId,
    ids.map((id, index) => ({ id, node_id: `R_${id}`, name: `service-${index}`, full_name: `${owner}/service-${index}`, private: true })),
    true,
    new Date(),
  );
  for (const service of SERVICES) {
    await markPending(installationId, ids, service);
    for (const id of ids) await markDone(id, service, new Date(), 0);
  }
  return ids;
}

/**
 * The repositories page and its JSON API, signed in as an org owner, with 1×, 10× and 100× the records stored across
 * the same repositories: the app runs as deployed (its own process, the local GitHub for sign-in and access), the
 * records are added between measurements, and each repository is re-counted as the end of its next run would.
 */
export async function measureWebPages(plan: WebPagesPlan, options: { mongodbUri: string; logFile: string; print: (line: string) => void }): Promise<WebPagesMeasurement> {
  const { print } = options;
  const stack = await startStack({ org: { repos: 1, pulls: 5, issues: 5, commits: 10, members: 5 }, mongodbUri: options.mongodbUri, logFile: options.logFile });
  try {
    const { installation } = await stack.github.simulateInstall();
    await waitForBackfill(installation.id, { pollMs: 250 });
    const repositoryIds = await grantSyntheticRepositories(installation.id, stack.github.context.generated.org.login);
    // The app's public address (its sign-in cookies belong to that host), as a person's browser knows it.
    const appUrl = `http://localhost:${stack.app.port}`;
    const cookie = await signIn(appUrl);
    const timed = (path: string) => async () => {
      const { status } = await get(`${appUrl}${path}`, cookie);
      if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
    };
    const sizes: WebPageFigures[] = [];
    const recountSeconds: number[] = [];
    let stored = 0;
    for (const records of plan.sizes) {
      await fillPullRequests(stored, records, print);
      stored = records;
      const started = performance.now();
      for (const repositoryId of repositoryIds) await recountStored(repositoryId, "pullRequests");
      recountSeconds.push(round1((performance.now() - started) / 1000));
      const page = latencyOf(await timeEach(plan.samples, timed(`/integrations/${installation.id}/repositories`)));
      const api = latencyOf(await timeEach(plan.samples, timed(`/api/integrations/${installation.id}/repositories`)));
      sizes.push({ records, page, api });
      print(`  ${records.toLocaleString("en")} pull requests: page p50 ${page.p50Ms} ms, p95 ${page.p95Ms} ms; API p50 ${api.p50Ms} ms, p95 ${api.p95Ms} ms`);
    }
    const growth = (pick: (figures: WebPageFigures) => Latency) => round1(pick(sizes.at(-1)!).p95Ms / pick(sizes[0]!).p95Ms);
    return { repositories: repositoryIds.length + 1, sizes, growth: { page: growth((s) => s.page), api: growth((s) => s.api) }, recountSeconds };
  } finally {
    await stack.close();
  }
}
