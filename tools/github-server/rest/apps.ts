import type { AppRegistration, Installation } from "../installation.js";
import { nodeId } from "../org/ids.js";
import type { Schema } from "./schemas.js";
import { organizationAsOwner, simpleUser } from "./users.js";
import { iso, isoOrNull } from "./urls.js";
import type { RestView } from "./pulls.js";

export function installation(view: RestView, app: AppRegistration, record: Installation): Schema<"installation"> {
  const { org } = view.generated;
  return {
    id: record.id,
    client_id: app.clientId,
    account: organizationAsOwner(view.urls, org),
    repository_selection: record.repositorySelection,
    access_tokens_url: `${view.urls.api}/app/installations/${record.id}/access_tokens`,
    repositories_url: `${view.urls.api}/installation/repositories`,
    html_url: `${view.urls.web}/organizations/${org.login}/settings/installations/${record.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: org.id,
    target_type: "Organization",
    permissions: record.permissions,
    events: record.events,
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: record.suspendedBy ? simpleUser(view.urls, record.suspendedBy) : null,
    suspended_at: isoOrNull(record.suspendedAt),
  };
}

export function integration(view: RestView, app: AppRegistration, createdAt: number): Schema<"integration"> {
  return {
    id: app.id,
    slug: app.slug,
    client_id: app.clientId,
    node_id: nodeId("Installation", `app-${app.id}`),
    owner: organizationAsOwner(view.urls, view.generated.org),
    name: app.name,
    description: "Read-only engineering analytics",
    external_url: `${view.urls.web}/apps/${app.slug}`,
    html_url: `${view.urls.web}/apps/${app.slug}`,
    created_at: iso(createdAt),
    updated_at: iso(createdAt),
    permissions: app.permissions,
    events: app.events,
    installations_count: 1,
  };
}
