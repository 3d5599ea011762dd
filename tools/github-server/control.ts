import { json, type Route } from "./http/types.js";
import type { GitHubServer } from "./server.js";
import type { ActivityOptions, InstallOptions } from "./simulate.js";

/**
 * `/_control/*`: for benchmarks and demos driving the server from another process. Not part of GitHub's API,
 * never counted in the statistics and never rate limited.
 */
export function controlRoutes(server: GitHubServer, limits: { resetLimits: () => void }): Route[] {
  const summary = () => {
    const { org, options } = server.org;
    return {
      org: org.login,
      sizes: { repos: options.repos, pulls: options.pulls, issues: options.issues, commits: options.commits, members: options.members },
      repositories: org.repos.map((repo) => ({ id: repo.id, name: repo.name, previousNames: repo.previousNames, planned: repo.planned })),
      installation: server.installation() && { id: server.installation()!.id, repositorySelection: server.installation()!.repositorySelection },
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
        const deliveries = await server.simulateActivity((request.body ?? {}) as ActivityOptions);
        return json(deliveries.map((d) => ({ id: d.id, event: d.event, action: d.action, status: d.status })));
      },
    },
  ];
}
