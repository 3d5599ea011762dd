import { Probot, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import type { AppCredentials, Config } from "../config.js";

/** Probot's Octokit (throttling and retry included), configured for how Tributary talks to GitHub. */
export const TributaryOctokit = ProbotOctokit.defaults({});

export function probotOptions(app: AppCredentials, config: Pick<Config, "githubBaseUrl">, log: Logger) {
  return {
    appId: app.appId,
    privateKey: app.privateKey,
    secret: app.webhookSecret,
    baseUrl: config.githubBaseUrl,
    log,
    Octokit: TributaryOctokit,
  };
}

export function createProbot(...args: Parameters<typeof probotOptions>): Probot {
  return new Probot(probotOptions(...args));
}
