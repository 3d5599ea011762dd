import type { Logger } from "pino";
import type { Probot } from "probot";
import type { GitHubLinks } from "../domain/github-links.js";
import type { AccessControl } from "./access-control.js";
import type { OAuthClient } from "./github-oauth.js";
import type { UserGitHub } from "./user-github.js";
import type { UserTokenStore } from "./user-tokens.js";
import type { Sessions } from "./viewer.js";

/** The services every route shares, built once per web app. */
export interface WebContext {
  probot: Probot;
  log: Logger;
  oauth: OAuthClient;
  sessions: Sessions;
  tokens: UserTokenStore;
  access: AccessControl;
  /** GitHub as a person sees it with a fresh token of theirs (right after sign-in). */
  userGitHub: (token: string) => UserGitHub;
  links: () => Promise<GitHubLinks>;
  publicUrl: string;
  secret: string;
  secureCookies: boolean;
}
