import type { Logger } from "pino";
import { roleFor, type OrgMembership, type Role } from "../domain/access.js";
import type { Integration } from "../storage/models/integration.js";
import { HttpError } from "./http-error.js";
import { isStatus, UserGitHub, type GitHubUser, type OctokitClass } from "./user-github.js";
import type { UserTokenStore } from "./user-tokens.js";

export interface AccessOptions {
  tokens: UserTokenStore;
  Octokit: OctokitClass;
  githubBaseUrl?: string;
  log: Logger;
  /** How long GitHub's answer about a person's access is trusted before asking again. */
  ttlMs?: number;
}

type Cached<T> = { value: T; until: number };

/** Who may see and change which integration, as GitHub says, asked with the person's own token and cached briefly. */
export class AccessControl {
  readonly #installations = new Map<number, Cached<Set<number>>>();
  readonly #memberships = new Map<string, Cached<OrgMembership>>();
  readonly #ttlMs: number;

  constructor(private readonly options: AccessOptions) {
    this.#ttlMs = options.ttlMs ?? 60_000;
  }

  async installationIds(user: GitHubUser): Promise<Set<number>> {
    return this.#cached(this.#installations, user.id, async (github) => new Set(await github.installationIds()), user);
  }

  async role(user: GitHubUser, { account }: Pick<Integration, "account">): Promise<Role> {
    return roleFor(account, user.id, await this.#membership(user, account));
  }

  /**
   * Whether the person belongs to the account (is the user, or an active member of the organization). GitHub stops
   * listing an installation once it is uninstalled, so this is what keeps an uninstalled integration visible.
   */
  async belongsTo(user: GitHubUser, { account }: Pick<Integration, "account">): Promise<boolean> {
    if (account.type === "User") return account.id === user.id;
    return (await this.#membership(user, account))?.state === "active";
  }

  async #membership(user: GitHubUser, account: Integration["account"]): Promise<OrgMembership> {
    if (account.type !== "Organization") return null;
    return this.#cached(this.#memberships, `${user.id}:${account.id}`, (github) => github.orgMembership(account.login), user);
  }

  /** Forgets what is cached about a person, e.g. when they sign in again. */
  forget(userId: number): void {
    this.#installations.delete(userId);
    for (const key of this.#memberships.keys()) if (key.startsWith(`${userId}:`)) this.#memberships.delete(key);
  }

  async #cached<K, T>(cache: Map<K, Cached<T>>, key: K, load: (github: UserGitHub) => Promise<T>, user: GitHubUser): Promise<T> {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const signInAgain = () => new HttpError(401, "Your GitHub authorization expired or was revoked: sign in again");
    const token = await this.options.tokens.tokenFor(user);
    if (!token) throw signInAgain();
    const github = new UserGitHub(this.options.Octokit, token, { baseUrl: this.options.githubBaseUrl, log: this.options.log });
    const value = await load(github).catch((error: unknown) => {
      throw isStatus(error, 401) ? signInAgain() : error;
    });
    cache.set(key, { value, until: Date.now() + this.#ttlMs });
    return value;
  }
}
