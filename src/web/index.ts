import type { Logger } from "pino";
import type { Config } from "../config.js";
import { createProbot, TributaryOctokit } from "../github/probot.js";
import { createWebApp } from "./app.js";
import { probotHandler } from "./probot-handler.js";

/** The web UI's handler for Probot's server, or null (with the reason logged) when it cannot run. */
export function webHandler(config: Config, log: Logger) {
  if (!config.app) return null;
  if (!config.oauth) {
    log.warn("Web UI off: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the app's OAuth client) to enable sign-in");
    return null;
  }
  if (config.web.sessionSecretGenerated) {
    log.warn("SESSION_SECRET is not set: using a random one, so everyone is signed out when the server restarts");
  }
  const probot = createProbot(config.app, config, log);
  return probotHandler(createWebApp({ probot, config: { ...config, oauth: config.oauth }, Octokit: TributaryOctokit, log }));
}
