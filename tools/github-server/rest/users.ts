import type { GeneratedOrg } from "../org/generate.js";
import { nodeId } from "../org/ids.js";
import type { Member, Person } from "../org/model.js";
import type { Schema } from "./schemas.js";
import { iso, type Urls } from "./urls.js";

export function simpleUser(urls: Urls, person: Person): Schema<"simple-user"> {
  return {
    login: person.login,
    id: person.id,
    node_id: nodeId(person.kind === "Bot" ? "Bot" : "User", person.id),
    avatar_url: urls.avatar(person.id),
    gravatar_id: "",
    ...urls.user(person.login),
    type: person.kind,
    site_admin: false,
    user_view_type: "public",
  };
}

export function nullableUser(urls: Urls, person: Person | null): Schema<"simple-user"> | null {
  return person ? simpleUser(urls, person) : null;
}

export function privateUser(urls: Urls, person: Person): Schema<"private-user"> {
  return {
    ...simpleUser(urls, person),
    name: person.name,
    company: null,
    blog: "",
    location: null,
    email: person.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: iso(person.createdAt),
    updated_at: iso(person.createdAt),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

export function organizationSimple(urls: Urls, org: GeneratedOrg["org"]): Schema<"organization-simple"> {
  const api = `${urls.api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId("Organization", org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: urls.avatar(org.id),
    description: null,
  };
}

/** The organization as an installation's or repository's owner (a "simple user" of type Organization). */
export function organizationAsOwner(urls: Urls, org: GeneratedOrg["org"]): Schema<"simple-user"> {
  return {
    ...simpleUser(urls, { id: org.id, login: org.login, name: org.name, email: "", kind: "User", createdAt: org.createdAt }),
    node_id: nodeId("Organization", org.id),
    type: "Organization",
  };
}

export function orgMembership(urls: Urls, org: GeneratedOrg["org"], member: Member): Schema<"org-membership"> {
  return {
    url: `${urls.api}/orgs/${org.login}/memberships/${member.person.login}`,
    state: "active",
    role: member.role,
    organization_url: `${urls.api}/orgs/${org.login}`,
    organization: organizationSimple(urls, org),
    user: simpleUser(urls, member.person),
    permissions: { can_create_repository: member.role === "admin" },
  };
}
