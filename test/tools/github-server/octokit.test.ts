import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import { APP_KEY, allowLoopback, loopbackFetch, startSmallServer } from "./helpers.js";

let server: GitHubServer;

beforeAll(async () => {
  allowLoopback();
  server = await startSmallServer();
});

afterAll(() => server.close());

/** The client the app uses, configured the way it is for a GitHub Enterprise host. */
function installationOctokit() {
  return new ProbotOctokit({
    baseUrl: server.apiUrl,
    auth: { appId: 1, privateKey: APP_KEY, installationId: server.installation()!.id },
    request: { fetch: loopbackFetch },
    retry: { enabled: false },
    throttle: { enabled: false },
  });
}

describe("Probot's Octokit against the server", () => {
  it("authenticates as the installation, paginates REST and reaches GraphQL at /api/graphql", async () => {
    const octokit = installationOctokit();
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 2 });
    expect(repos).toHaveLength(server.org.org.repos.length);
    const [repo] = server.org.org.repos;
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner: server.org.org.login, repo: repo!.name, state: "all", per_page: 7 });
    expect(pulls).toHaveLength(server.org.pulls(repo!).length);
    const data = await octokit.graphql<{ viewer: { login: string } }>("{ viewer { login } }");
    expect(data.viewer.login).toBe("tributary[bot]");
    expect(server.stats().requests).toMatchObject({ "POST /app/installations/{installation_id}/access_tokens": 1, "POST /graphql": 1 });
  });
});
