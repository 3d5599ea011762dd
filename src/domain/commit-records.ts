import type { Context } from "probot";
import type { CommitRecord } from "../storage/commits.js";
import { optionalTime, type RepositoryScope } from "./github-values.js";
import { required } from "./required-fields.js";

type PushPayload = Context<"push">["payload"];
type PushCommit = PushPayload["commits"][number];

/** Commit metrics count the default branch only; other branches' commits arrive there when merged. */
export function isDefaultBranchPush(push: Pick<PushPayload, "ref" | "repository">): boolean {
  return push.ref === `refs/heads/${push.repository.default_branch}`;
}

function gitActor(actor: PushCommit["author"], date: string | null | undefined, path: string) {
  required(actor, path, "object");
  // A push names GitHub users by login only; the backfill links them by id.
  return { name: actor.name, email: actor.email ?? null, date: optionalTime(date), user: null };
}

/**
 * The commits a push brought, as far as the payload tells: it has no parents (so no merge flag), no line counts
 * and at most 20 commits. Unknown values are null, and the backfill requested for every push fills them in.
 */
export function pushCommitRecords(push: PushPayload, scope: RepositoryScope): CommitRecord[] {
  return required(push.commits, "commits", "array").map((commit, index) => {
    const path = `commits[${index}]`;
    required(commit, path, "object");
    return {
      repositoryId: scope.repositoryId,
      installationId: scope.installationId,
      sha: required(commit.id, `${path}.id`, "string"),
      // The payload's one timestamp is the author date; the committer date stays unknown.
      author: gitActor(commit.author, commit.timestamp, `${path}.author`),
      committer: gitActor(commit.committer, null, `${path}.committer`),
      messageHeadline: required(commit.message, `${path}.message`, "string").split("\n", 1)[0] ?? "",
      additions: null,
      deletions: null,
      changedFiles: null,
    };
  });
}
