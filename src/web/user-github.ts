import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { OrgMembership } from "../domain/access.js";

export type OctokitClass = typeof ProbotOctokit;

export interface GitHubUser {
  id: number;
  login: string;
  avatarUrl: string | null;
}

/** GitHub as a signed-in person sees it, through their user token. */
export class UserGitHub {
  readonly #octokit: InstanceType<OctokitClass>;

  constructor(Octokit: OctokitClass, token: string, options: { baseUrl?: string; log: Logger }) {
    this.#octokit = new Octokit({ auth: { token }, baseUrl: options.baseUrl, log: options.log });
  }

  async user(): Promise<GitHubUser> {
    const { data } = await this.#octokit.rest.users.getAuthenticated();
    return { id: data.id, login: data.login, avatarUrl: data.avatar_url || null };
  }

  /** Installations of this app that the person can access (GitHub decides: owners, members with repository access). */
  async installationIds(): Promise<number[]> {
    const installations = await this.#octokit.paginate(this.#octokit.rest.apps.listInstallationsForAuthenticatedUser, { per_page: 100 });
    return installations.map((installation) => installation.id);
  }

  /** The person's membership in an organization; null when they are not a member (e.g. an outside collaborator). */
  async orgMembership(org: string): Promise<OrgMembership> {
    try {
      const { data } = await this.#octokit.rest.orgs.getMembershipForAuthenticatedUser({ org });
      return { state: data.state, role: data.role };
    } catch (error) {
      if (isStatus(error, 403, 404)) return null;
      throw error;
    }
  }
}

export function isStatus(error: unknown, ...statuses: number[]): boolean {
  return typeof error === "object" && error !== null && "status" in error && statuses.includes(Number(error.status));
}
