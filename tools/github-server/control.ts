import { json, type Route } from "./http/types.js";
import { installedRepos } from "./installation.js";
import type { GitHubServer } from "./server.js";
import type { ActivityOptions, InstallOptions, RepositoryChange } from "./simulate.js";
import type { Delivery } from "./webhooks/deliveries.js";

const brief = (delivery: Delivery) => ({ id: delivery.id, guid: delivery.guid, event: delivery.event, action: delivery.action, status: delivery.status });

/**
 * `/_control/*`: for benchmarks and demos driving the server from another process. Not part of GitHub's API,
 * never counted in the statistics and never rate limited.
 */
export function controlRoutes(server: GitHubServer, limits: { resetLimits: () => void }): Route[] {
  const summary = () => {
    const { org, options } = server.org;
    const installation = server.installation();
    return {
      org: org.login,
      sizes: { repos: options.repos, pulls: options.pulls, issues: options.issues, commits: options.commits, members: options.members },
      repositories: org.repos.map((repo) => ({ id: repo.id, name: repo.name, previousNames: repo.previousNames, planned: repo.planned })),
      installation: installation && {
        id: installation.id,
        repositorySelection: installation.repositorySelection,
        repositories: installedRepos(installation, org.repos).map((repo) => repo.name),
      },
      urls: { web: server.url, api: server.apiUrl, graphql: server.graphqlUrl },
    };
  };
  return [
    { method: "GET", template: "/stats", auth: "none", handle: () => json(server.stats()) },
    {
      method: "POST",
      template: "/reset",
      auth: "none",
      handle(request) {
        server.resetStats();
        if ((request.body as { limits?: boolean } | undefined)?.limits !== false) limits.resetLimits();
        return json(server.stats());
      },
    },
    { method: "GET", template: "/org", auth: "none", handle: () => json(summary()) },
    {
      method: "POST",
      template: "/install",
      auth: "none",
      async handle(request) {
        const { installation, delivery } = await server.simulateInstall((request.body ?? {}) as InstallOptions);
        return json({ installationId: installation.id, delivery: { id: delivery.id, status: delivery.status } }, 201);
      },
    },
    {
      method: "POST",
      template: "/activity",
      auth: "none",
      async handle(request) {
        return json((await server.simulateActivity((request.body ?? {}) as ActivityOptions)).map(brief));
      },
    },
    {
      method: "POST",
      template: "/repositories",
      auth: "none",
      async handle(request) {
        return json((await server.simulateRepositoryChange((request.body ?? {}) as RepositoryChange)).map(brief));
      },
    },
    {
      method: "GET",
      template: "/webhooks/settled",
      auth: "none",
      async handle() {
        await server.webhooksSettled();
        return json({ settled: true });
      },
    },
  ];
}
