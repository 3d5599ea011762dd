import type { ServerContext } from "../../context.js";
import { pageReply, paginate } from "../../http/pagination.js";
import { apiError, json, type ApiRequest, type Route } from "../../http/types.js";
import { installationById, installedRepos, type Permissions } from "../../installation.js";
import { hookDelivery, hookDeliveryItem } from "../../webhooks/deliveries.js";
import { redeliver } from "../../webhooks/send.js";
import { positiveInt } from "../access.js";
import { installation, integration } from "../apps.js";
import { repository } from "../repositories.js";
import { iso } from "../urls.js";

/** GitHub redelivers deliveries of the past 3 days only. */
const REDELIVERY_WINDOW_MS = 3 * 24 * 3_600_000;

export function appRoutes(context: ServerContext): Route[] {
  const current = (request: ApiRequest) => {
    const id = positiveInt(request.params.installation_id);
    return installationById(context.installations, id) ?? null;
  };
  return [
    { method: "GET", template: "/app", auth: "app", handle: () => json(integration(context, context.options.app, context.appCreatedAt)) },
    {
      method: "GET",
      template: "/app/installations",
      auth: "app",
      handle(request) {
        const page = paginate(request, context.installations, context.urls.web);
        return pageReply({ ...page, items: page.items.map((record) => installation(context, context.options.app, record)) });
      },
    },
    {
      method: "GET",
      template: "/app/installations/{installation_id}",
      auth: "app",
      handle(request) {
        const record = current(request);
        return record ? json(installation(context, context.options.app, record)) : apiError(404, "Not Found");
      },
    },
    {
      method: "POST",
      template: "/app/installations/{installation_id}/access_tokens",
      auth: "app",
      handle(request) {
        const record = current(request);
        if (!record) return apiError(404, "Not Found");
        if (record.suspendedAt !== null) return apiError(403, "This installation has been suspended");
        const body = (request.body ?? {}) as { repositories?: string[]; repository_ids?: number[]; permissions?: Permissions };
        const permissions = body.permissions ?? record.permissions;
        if (Object.entries(permissions).some(([name, level]) => record.permissions[name] !== level && !(level === "read" && record.permissions[name]))) {
          return apiError(422, "The permissions requested are not granted to this installation.");
        }
        const visible = installedRepos(record, context.generated.org.repos);
        let scoped: Set<number> | undefined;
        if (body.repositories || body.repository_ids) {
          const wanted = visible.filter((repo) => body.repositories?.includes(repo.name) || body.repository_ids?.includes(repo.id));
          if (wanted.length !== (body.repositories?.length ?? 0) + (body.repository_ids?.length ?? 0)) {
            return apiError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
          }
          scoped = new Set(wanted.map((repo) => repo.id));
        }
        const token = context.tokens.issueInstallationToken(record.id, permissions, context.now(), scoped);
        return json(
          {
            token: token.token,
            expires_at: iso(token.expiresAt),
            permissions,
            repository_selection: scoped ? "selected" : record.repositorySelection,
            ...(scoped && { repositories: visible.filter((repo) => scoped.has(repo.id)).map((repo) => repository(context.urls, context.generated, repo)) }),
          },
          201,
        );
      },
    },
    {
      method: "GET",
      template: "/installation/repositories",
      auth: "installation",
      resource: "core",
      handle(request) {
        const identity = request.identity;
        const record = identity?.kind === "installation" ? installationById(context.installations, identity.installationId) : undefined;
        if (identity?.kind !== "installation" || !record) return apiError(401, "Bad credentials");
        const repos = installedRepos(record, context.generated.org.repos).filter(
          (repo) => !identity.repositoryIds || identity.repositoryIds.has(repo.id),
        );
        const page = paginate(request, repos, context.urls.web);
        return {
          status: 200,
          body: {
            total_count: repos.length,
            repository_selection: identity.repositoryIds ? "selected" : record.repositorySelection,
            repositories: page.items.map((repo) => repository(context.urls, context.generated, repo)),
          },
          ...(page.link && { headers: { link: page.link } }),
        };
      },
    },
    {
      method: "GET",
      template: "/app/hook/deliveries",
      auth: "app",
      handle(request) {
        const perPage = Math.min(100, Math.max(1, Math.floor(Number(request.query.get("per_page") ?? 30)) || 30));
        const status = request.query.get("status");
        if (status !== null && status !== "success" && status !== "failure") return apiError(422, "Invalid value for status: must be one of success, failure");
        const page = context.deliveries.page(request.query.get("cursor"), perPage, status ?? undefined);
        if (!page) return apiError(400, "Invalid cursor");
        const headers: Record<string, string> = {};
        if (page.next) {
          const next = new URL(request.url.pathname + request.url.search, context.urls.web);
          next.searchParams.set("per_page", String(perPage));
          next.searchParams.set("cursor", page.next);
          headers.link = `<${next}>; rel="next"`;
        }
        return json(page.items.map(hookDeliveryItem), 200, headers);
      },
    },
    {
      method: "GET",
      template: "/app/hook/deliveries/{delivery_id}",
      auth: "app",
      handle(request) {
        const delivery = context.deliveries.find(Number(request.params.delivery_id));
        return delivery ? json(hookDelivery(delivery, context.options.app.webhookUrl)) : apiError(404, "Not Found");
      },
    },
    {
      method: "POST",
      template: "/app/hook/deliveries/{delivery_id}/attempts",
      auth: "app",
      handle(request) {
        const delivery = context.deliveries.find(Number(request.params.delivery_id));
        if (!delivery) return apiError(404, "Not Found");
        if (context.now() - delivery.deliveredAt > REDELIVERY_WINDOW_MS) return apiError(422, "Deliveries older than 3 days cannot be redelivered");
        // Accepted at once; the attempt is made (and recorded) in the background, as on GitHub.
        void redeliver(context, delivery);
        return json({}, 202);
      },
    },
  ];
}
