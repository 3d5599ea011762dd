import type { Person, Repo } from "./org/model.js";

export type Permissions = Record<string, "read" | "write" | "admin">;

/** The GitHub App the server pretends to host (the one the app under test was registered as). */
export interface AppRegistration {
  id: number;
  slug: string;
  name: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  /** Where webhooks are delivered; none means deliveries are recorded but not sent. */
  webhookUrl?: string;
  permissions: Permissions;
  events: string[];
}

/** The app's installation on the generated organization (GitHub allows one per account). */
export interface Installation {
  id: number;
  createdAt: number;
  updatedAt: number;
  repositorySelection: "all" | "selected";
  /** Only read when the selection is "selected". */
  selectedRepoIds: Set<number>;
  suspendedAt: number | null;
  suspendedBy: Person | null;
  permissions: Permissions;
  events: string[];
}

export function installedRepos(installation: Installation, repos: Repo[]): Repo[] {
  return installation.repositorySelection === "all" ? repos : repos.filter((repo) => installation.selectedRepoIds.has(repo.id));
}

export function canAccess(installation: Installation, repo: Repo): boolean {
  return installation.repositorySelection === "all" || installation.selectedRepoIds.has(repo.id);
}

/** The installation that covers a repository (its webhooks name it), if any. */
export function installationOf(installations: readonly Installation[], repo: Repo): Installation | undefined {
  return installations.find((installation) => canAccess(installation, repo));
}

export function installationById(installations: readonly Installation[], id: number | null): Installation | undefined {
  return installations.find((installation) => installation.id === id);
}
