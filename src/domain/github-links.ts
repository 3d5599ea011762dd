/** Pages on GitHub where the fixes for an integration's problems are made. */
export interface GitHubLinks {
  /** github.com, or a GitHub Enterprise host's web root. */
  webUrl: string;
  appSlug: string | null;
}

type Account = { login: string; type: string };

export function installationSettingsUrl({ webUrl }: GitHubLinks, account: Account, installationId: number): string {
  return account.type === "Organization"
    ? `${webUrl}/organizations/${encodeURIComponent(account.login)}/settings/installations/${installationId}`
    : `${webUrl}/settings/installations/${installationId}`;
}

export function installAppUrl({ webUrl, appSlug }: GitHubLinks): string {
  return appSlug ? `${webUrl}/apps/${encodeURIComponent(appSlug)}/installations/new` : `${webUrl}/settings/installations`;
}

export function appDeliveriesUrl({ webUrl, appSlug }: GitHubLinks): string {
  return appSlug ? `${webUrl}/settings/apps/${encodeURIComponent(appSlug)}/advanced` : `${webUrl}/settings/apps`;
}

export const RATE_LIMIT_DOCS_URL = "https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api";

/** GitHub's web root for a REST base URL: `https://host/api/v3` → `https://host`; none → github.com. */
export function gitHubWebUrl(githubBaseUrl: string | undefined): string {
  return githubBaseUrl ? githubBaseUrl.replace(/\/api\/v3\/?$/, "") : "https://github.com";
}
