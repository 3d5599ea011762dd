import { saveCommits, type CommitRecord } from "../../src/storage/commits.js";
import { saveMembers } from "../../src/storage/members.js";
import { savePullRequests, type PullRequestRecord } from "../../src/storage/pull-requests.js";
import { setRepositoryGrants } from "../../src/storage/repositories.js";
import { saveReviews } from "../../src/storage/reviews.js";
import { saveTickets } from "../../src/storage/tickets.js";

/** Records of every kind the data API serves, as the app stores them. */

export const AT = new Date("2026-01-01T00:00:00Z");
export const range = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i);

/** A pull request of the installation's repository; each version has a later updatedAt and the title `v<version>`. */
export function pullRequest(githubId: number, installationId: number, version = 0): PullRequestRecord {
  return {
    githubId, nodeId: `PR_${githubId}`, repositoryId: installationId * 100, installationId, number: githubId, title: `v${version}`,
    state: "open", createdAt: AT, updatedAt: new Date(AT.getTime() + version * 1000), baseRef: "main", headRef: `topic-${githubId}`,
  };
}

export const shaOf = (n: number) => n.toString(16).padStart(40, "0");

function commit(n: number, installationId: number): CommitRecord {
  const actor = { name: "Ada", email: "ada@example.com", date: AT, user: null };
  return { repositoryId: installationId * 100, installationId, sha: shaOf(n), messageHeadline: "Fix", author: actor, committer: actor };
}

/** `count` records of every kind for the installation; ids (and commits' shas) from `from`. */
export async function storeEveryKind(installationId: number, count: number, from: number): Promise<void> {
  const ids = range(count, from);
  const repositoryId = installationId * 100;
  await setRepositoryGrants(installationId, ids.map((id) => ({ id, node_id: `R_${id}`, name: `r${id}`, full_name: `o/r${id}`, private: false })), true, AT);
  await savePullRequests(ids.map((id) => pullRequest(id, installationId)));
  await saveTickets(ids.map((id) => ({ githubId: id, nodeId: `I_${id}`, repositoryId, installationId, number: id, title: "Bug", state: "open" as const, createdAt: AT, updatedAt: AT })));
  await saveReviews(ids.map((id) => ({ githubId: id, pullRequestId: id, repositoryId, installationId, state: "APPROVED" as const, submittedAt: AT, updatedAt: AT })));
  await saveCommits(ids.map((id) => commit(id, installationId)));
  await saveMembers(installationId, ids.map((userId) => ({ userId, login: `user-${userId}` })), AT);
}
