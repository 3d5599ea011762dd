import type { OrganizationMemberRole } from "@octokit/graphql-schema";
import { saveMembers } from "../storage/members.js";
import type { InstallationOctokit } from "./github-access.js";
import { ORGANIZATION_MEMBERS_QUERY } from "./queries.js";

type MembersPage = {
  organization: {
    membersWithRole: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { role: OrganizationMemberRole | null; node: { login: string; databaseId: number } }[];
    };
  };
};

/** Reads an organization's members with their roles (members: read), 100 per request, to resolve identities. */
export async function syncMembers(octokit: InstallationOctokit, installationId: number, organization: string): Promise<number> {
  let after: string | null = null;
  let count = 0;
  do {
    const readAt = new Date();
    const page: MembersPage = await octokit.graphql<MembersPage>(ORGANIZATION_MEMBERS_QUERY, { login: organization, after });
    const { edges, pageInfo } = page.organization.membersWithRole;
    await saveMembers(
      installationId,
      edges.map(({ role, node }) => ({ userId: node.databaseId, login: node.login, role: role?.toLowerCase() ?? null })),
      readAt,
    );
    count += edges.length;
    after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
  } while (after);
  return count;
}
