import type { PullRequestRecord } from "../../src/storage/pull-requests.js";
import type { ReviewRecord } from "../../src/storage/reviews.js";
import type { TicketRecord } from "../../src/storage/tickets.js";

/** Hand-made records of one repository for the report tests: merged pull requests, reviews, open tickets. */

const INSTALLATION = 5;
export const alice = { id: 1, login: "alice" };
export const bob = { id: 2, login: "bob" };

export function recordsOf(repositoryId: number, at: (hours: number) => Date) {
  return {
    pullRequest: (githubId: number, fields: Partial<PullRequestRecord>): PullRequestRecord => ({
      githubId,
      nodeId: `PR_${githubId}`,
      repositoryId,
      installationId: INSTALLATION,
      number: githubId,
      title: `change ${githubId}`,
      author: alice,
      state: "merged",
      baseRef: "main",
      headRef: `topic-${githubId}`,
      additions: 10,
      deletions: 5,
      commitsComplete: true,
      createdAt: at(0),
      updatedAt: fields.mergedAt ?? at(100),
      ...fields,
    }),
    review: (githubId: number, pullRequestId: number, fields: Partial<ReviewRecord>): ReviewRecord => ({
      githubId,
      pullRequestId,
      repositoryId,
      installationId: INSTALLATION,
      author: bob,
      state: "COMMENTED",
      updatedAt: fields.submittedAt ?? at(0),
      ...fields,
    }),
    ticket: (githubId: number, fields: Partial<TicketRecord>): TicketRecord => ({
      githubId,
      nodeId: `I_${githubId}`,
      repositoryId,
      installationId: INSTALLATION,
      number: githubId,
      title: `bug ${githubId}`,
      author: bob,
      state: "open",
      createdAt: at(0),
      updatedAt: at(0),
      ...fields,
    }),
  };
}
