import type { GitHubServer, GitHubServerOptions } from "../../../tools/github-server/index.js";
import type { Repo } from "../../../tools/github-server/org/model.js";
import { allowLoopback, installationToken, startSmallServer } from "./helpers.js";

/** The small server reachable through nock, an installation token for it, and the organization's first repository. */
export async function startInstalledServer(options: GitHubServerOptions = {}): Promise<{ server: GitHubServer; token: string; repo: Repo }> {
  allowLoopback();
  const server = await startSmallServer(options);
  return { server, token: await installationToken(server), repo: server.org.org.repos[0]! };
}
