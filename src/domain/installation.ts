import type { components } from "@octokit/openapi-types";
import type { Context } from "probot";
import type { Actor, IntegrationStatus } from "../storage/models/integration.js";

/** An installation as GitHub describes it: in a webhook payload or from `GET /app/installations`. */
export type InstallationSnapshot =
  | Context<"installation">["payload"]["installation"]
  | Context<"installation_repositories">["payload"]["installation"]
  | components["schemas"]["installation"];

type SimpleUser = { id: number; login: string } | null | undefined;
type Account = NonNullable<components["schemas"]["installation"]["account"]> | { id: number; login?: string; slug?: string; avatar_url?: string; type?: string };

export function actorOf(user: SimpleUser): Actor | null {
  return user ? { id: user.id, login: user.login } : null;
}

/** GitHub sends installation times as epoch seconds in some payloads and ISO strings in others. */
export function gitHubTime(value: string | number | null | undefined, fallback = new Date()): Date {
  if (value === null || value === undefined || value === "") return fallback;
  return typeof value === "number" ? new Date(value * 1000) : new Date(value);
}

function accountOf(installation: InstallationSnapshot) {
  const account = installation.account as Account | null;
  if (!account) throw new Error(`installation ${installation.id} has no account`);
  // Enterprise accounts carry `slug` and `name` rather than `login`.
  const login = "login" in account && account.login ? account.login : "slug" in account && account.slug ? account.slug : String(account.id);
  const type = installation.target_type === "Enterprise" ? "Enterprise" : installation.target_type === "User" ? "User" : "Organization";
  return { id: account.id, login, type, avatarUrl: ("avatar_url" in account && account.avatar_url) || null };
}

/** Whether GitHub reports the installation as suspended right now. */
export function isSuspended(installation: InstallationSnapshot): boolean {
  return Boolean(installation.suspended_at);
}

/** The fields of an integration that mirror GitHub's view of the installation at `snapshotAt`. */
export function installationSnapshot(installation: InstallationSnapshot) {
  return {
    account: accountOf(installation),
    repositorySelection: installation.repository_selection,
    permissions: { ...installation.permissions } as Record<string, string>,
    events: [...installation.events],
    snapshotAt: gitHubTime(installation.updated_at),
  };
}

export type LifecycleAction = "suspend" | "unsuspend" | "delete";

/**
 * The status an integration moves to on a lifecycle action, or null when the action must not change it.
 * Uninstalled is final: GitHub gives a reinstallation a new installation id, so a late suspend or
 * unsuspend for a deleted installation is history, not news.
 */
export function nextStatus(current: IntegrationStatus, action: LifecycleAction): IntegrationStatus | null {
  if (current === "uninstalled") return null;
  switch (action) {
    case "delete":
      return "uninstalled";
    case "suspend":
      return "suspended";
    case "unsuspend":
      return "active";
  }
}
