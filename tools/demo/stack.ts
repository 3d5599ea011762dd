import type { GitHubServerOptions } from "../github-server/index.js";
import { startGitHubServer, type GitHubServer } from "../github-server/index.js";
import type { OrgOptions } from "../github-server/org/generate.js";
import { generateAppKey } from "./app-key.js";
import { freeLoopbackPort } from "../../src/db/loopback-port.js";
import { startAppProcess, type AppProcess, type AppProcessOptions } from "./app-process.js";

export interface StackOptions extends Pick<AppProcessOptions, "mongodbUri" | "logFile" | "env" | "nodeArgs" | "onMessage"> {
  org: Partial<OrgOptions>;
  /** Pressure on the local GitHub (latency, GraphQL node budget, limits). */
  github?: Pick<GitHubServerOptions, "faults" | "graphql" | "rateLimit" | "secondaryLimit">;
  /** The app's port; absent = a free one. */
  port?: number;
}

/** The local GitHub with the app not yet installed, and the app running against it as against GitHub Enterprise. */
export interface Stack {
  github: GitHubServer;
  app: AppProcess;
  /** The app's private key (a benchmark's own client authenticates as the same app). */
  privateKey: string;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const privateKey = generateAppKey();
  const port = options.port ?? (await freeLoopbackPort());
  const github = await startGitHubServer({
    org: options.org,
    app: { key: privateKey, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks` },
    installation: { preinstalled: false },
    ...options.github,
  });
  // The OAuth flow signs in an org owner without asking, so the web UI opens straight onto the integration.
  github.context.options.signedInUser = github.org.admins()[0]?.login;
  let app: AppProcess;
  try {
    // As deployed: the startup pass reconciles and syncs (nothing is installed yet), and an hourly pass that comes
    // during an import leaves the running jobs be (see WhileRunning).
    app = await startAppProcess({ ...options, github, privateKey, port });
  } catch (error) {
    await github.close();
    throw error;
  }
  return {
    github,
    app,
    privateKey,
    async close() {
      await app.stop();
      await github.close();
    },
  };
}
