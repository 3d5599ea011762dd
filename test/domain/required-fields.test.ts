import { describe, expect, it } from "vitest";
import { pushCommitRecords } from "../../src/domain/commit-records.js";
import { pullRequestRecord, pullRequestView, reviewRecord } from "../../src/domain/pull-request-records.js";
import { repositoryMetadata } from "../../src/domain/repository-records.js";
import { InvalidPayloadError } from "../../src/domain/required-fields.js";
import { ticketRecord } from "../../src/domain/ticket-records.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

const scope = { installationId: 1, repositoryId: 2 };

/**
 * The examples are typed by @octokit/webhooks-types, the mappings by Probot's own payload types: two descriptions of
 * the same payloads that TypeScript cannot relate.
 */
const asInput = <F extends (...args: never[]) => unknown, I extends number = 0>(value: unknown) => value as Parameters<F>[I];

/** The error a mapping throws; fails the test when it maps the payload anyway or fails some other way. */
function refusal(map: () => unknown): InvalidPayloadError {
  try {
    map();
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error("mapped a payload it should have refused");
}

/** A deep copy of `value` with the field at `path` ("a.b.0.c") set, or deleted when `to` is undefined. */
function changed<T extends object>(value: T, path: string, to?: unknown): T {
  const copy = structuredClone(value);
  const fields = path.split(".");
  const parent = fields.slice(0, -1).reduce<any>((object, field) => object[field], copy);
  if (to === undefined) delete parent[fields.at(-1)!];
  else parent[fields.at(-1)!] = to;
  return copy;
}

describe("a pull_request event's pull request", () => {
  const pull_request = asInput<typeof pullRequestRecord>(exampleAction("pull_request", "opened").pull_request);

  it("maps a complete one", () => {
    expect(pullRequestRecord(pull_request, scope)).toMatchObject({ githubId: pull_request.id, number: pull_request.number, state: "open" });
  });

  it.each([
    ["id", undefined, "pull_request.id is required"],
    ["id", "1", "pull_request.id must be integer"],
    ["number", "42", "pull_request.number must be integer"],
    ["state", undefined, "pull_request.state is required"],
    ["created_at", undefined, "pull_request.created_at is required"],
    ["updated_at", undefined, "pull_request.updated_at is required"],
    ["updated_at", "yesterday", "pull_request.updated_at must be a time"],
    ["base", undefined, "pull_request.base is required"],
  ])("is refused without a usable %s (%s)", (field, to, message) => {
    const error = refusal(() => pullRequestRecord(changed(pull_request, field, to), scope));
    expect(error).toMatchObject({ name: "InvalidPayloadError", path: message.split(" ")[0], message });
  });

  it("is refused when the payload has none", () => {
    expect(refusal(() => pullRequestRecord(undefined as never, scope)).message).toBe("pull_request is required");
  });
});

describe("the short pull request of review comment events", () => {
  const pull_request = asInput<typeof pullRequestView>(exampleAction("pull_request_review_comment", "created").pull_request);

  it("maps a complete one, and is refused without its id", () => {
    expect(pullRequestView(pull_request, scope)).toMatchObject({ githubId: pull_request.id, number: pull_request.number });
    expect(refusal(() => pullRequestView(changed(pull_request, "id"), scope)).path).toBe("pull_request.id");
  });
});

describe("a review", () => {
  const payload = exampleAction("pull_request_review", "submitted");
  const review = asInput<typeof reviewRecord>(payload.review);
  const pull_request = asInput<typeof reviewRecord, 1>(payload.pull_request);

  it("maps a complete one", () => {
    expect(reviewRecord(review, pull_request, scope)).toMatchObject({ githubId: review.id, pullRequestId: pull_request.id });
  });

  it.each([
    ["review", "id", "review.id is required"],
    ["review", "state", "review.state is required"],
    ["pull_request", "id", "pull_request.id is required"],
    ["pull_request", "updated_at", "pull_request.updated_at is required"],
  ])("is refused without %s.%s", (object, field, message) => {
    const map = () =>
      object === "review" ? reviewRecord(changed(review, field), pull_request, scope) : reviewRecord(review, changed(pull_request, field), scope);
    expect(refusal(map).message).toBe(message);
  });
});

describe("an issue", () => {
  const issue = asInput<typeof ticketRecord>(exampleAction("issues", "opened").issue);

  it("maps a complete one", () => {
    expect(ticketRecord(issue, scope)).toMatchObject({ githubId: issue.id, number: issue.number, state: "open" });
  });

  it.each([
    ["id", undefined, "issue.id is required"],
    ["number", null, "issue.number is required"],
    ["state", undefined, "issue.state is required"],
    ["created_at", "", "issue.created_at must be a time"],
    ["updated_at", undefined, "issue.updated_at is required"],
  ])("is refused without a usable %s (%s)", (field, to, message) => {
    expect(refusal(() => ticketRecord(changed(issue, field, to), scope)).message).toBe(message);
  });
});

describe("a push's commits", () => {
  const push = asInput<typeof pushCommitRecords>(examplePayload("push", (payload) => payload.commits.length > 0));

  it("map complete ones", () => {
    expect(pushCommitRecords(push, scope).map((commit) => commit.sha)).toEqual(push.commits.map((commit) => commit.id));
  });

  it.each([
    ["commits", "commits is required"],
    ["commits.0.id", "commits[0].id is required"],
    ["commits.0.message", "commits[0].message is required"],
    ["commits.0.author", "commits[0].author is required"],
  ])("are refused without %s", (path, message) => {
    expect(refusal(() => pushCommitRecords(changed(push, path), scope)).message).toBe(message);
  });
});

describe("a repository's metadata", () => {
  const repository = asInput<typeof repositoryMetadata>(exampleAction("repository", "edited").repository);

  it("maps a complete one, and is refused without the id it is stored under", () => {
    expect(repositoryMetadata(repository)).toMatchObject({ fullName: repository.full_name });
    expect(refusal(() => repositoryMetadata(changed(repository, "id", "1"))).message).toBe("repository.id must be integer");
  });
});
