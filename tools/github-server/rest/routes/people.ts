import type { ServerContext } from "../../context.js";
import { pageReply, paginate } from "../../http/pagination.js";
import { apiError, json, type Route } from "../../http/types.js";
import { installationById, installedRepos } from "../../installation.js";
import { positiveInt } from "../access.js";
import { installation } from "../apps.js";
import { repository } from "../repositories.js";
import { orgMembership, privateUser, simpleUser } from "../users.js";
import { orgRoute } from "./scoped.js";

/** Organization membership, and the signed-in user's own view (OAuth user-to-server tokens). */
export function peopleRoutes(context: ServerContext): Route[] {
  const { generated } = context;
  return [
    orgRoute(context, "/orgs/{org}/members", (request) => {
      const role = request.query.get("role") ?? "all";
      const members = generated.org.members.filter((m) => role === "all" || m.role === role);
      const page = paginate(request, members, context.urls.web);
      return pageReply({ ...page, items: page.items.map((m) => simpleUser(context.urls, m.person)) });
    }),
    orgRoute(context, "/orgs/{org}/memberships/{username}", (request) => {
      const member = generated.member(request.params.username ?? "");
      return member ? json(orgMembership(context.urls, generated.org, member)) : apiError(404, "Not Found");
    }),
    {
      method: "GET",
      template: "/user",
      auth: "user",
      resource: "core",
      handle: (request) => (request.identity?.kind === "user" ? json(privateUser(context.urls, request.identity.person)) : apiError(401, "Bad credentials")),
    },
    {
      method: "GET",
      template: "/user/memberships/orgs/{org}",
      auth: "user",
      resource: "core",
      handle(request) {
        const member = request.identity?.kind === "user" ? generated.member(request.identity.person.login) : undefined;
        if (!member || request.params.org?.toLowerCase() !== generated.org.login.toLowerCase()) return apiError(404, "Not Found");
        return json(orgMembership(context.urls, generated.org, member));
      },
    },
    {
      method: "GET",
      template: "/user/installations",
      auth: "user",
      resource: "core",
      handle(request) {
        const visible = request.identity?.kind === "user" && generated.member(request.identity.person.login);
        const all = visible ? context.installations : [];
        const page = paginate(request, all, context.urls.web);
        return {
          status: 200,
          body: { total_count: all.length, installations: page.items.map((record) => installation(context, context.options.app, record)) },
          ...(page.link && { headers: { link: page.link } }),
        };
      },
    },
    {
      method: "GET",
      template: "/user/installations/{installation_id}/repositories",
      auth: "user",
      resource: "core",
      handle(request) {
        const record = installationById(context.installations, positiveInt(request.params.installation_id));
        const member = request.identity?.kind === "user" && generated.member(request.identity.person.login);
        if (!record || !member) return apiError(404, "Not Found");
        const repos = installedRepos(record, generated.org.repos);
        const page = paginate(request, repos, context.urls.web);
        return {
          status: 200,
          body: { total_count: repos.length, repository_selection: record.repositorySelection, repositories: page.items.map((repo) => repository(context.urls, generated, repo)) },
          ...(page.link && { headers: { link: page.link } }),
        };
      },
    },
  ];
}
