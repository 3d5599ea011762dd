import type { Integration } from "../storage/models/integration.js";

/** What a person may do with an integration: admins (org owners, or the user account itself) change it, members view it. */
export type Role = "admin" | "member";

export type OrgMembership = { state: string; role: string } | null;

export function roleFor(account: Pick<Integration["account"], "id" | "type">, userId: number, membership: OrgMembership): Role {
  if (account.type === "User") return account.id === userId ? "admin" : "member";
  return membership?.state === "active" && membership.role === "admin" ? "admin" : "member";
}
