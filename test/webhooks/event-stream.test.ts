import { randomUUID } from "node:crypto";
import type {
  IssuesEvent,
  PullRequestEvent,
  PullRequestReviewEvent,
  PushEvent,
  WebhookEventName,
} from "@octokit/webhooks-types";
import { describe, expect, it } from "vitest";
import { clearDatabase } from "../helpers/database.js";
import { HELLO_WORLD, inInstallation, ingestedData, installationCreated, seededShuffle } from "../helpers/ingestion.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

const probot = createTestProbot();
const at = (minuteSecond: string) => `2019-05-15T15:${minuteSecond}Z`;

type Delivery = { id: string; name: WebhookEventName; payload: object };
const event = (name: WebhookEventName, payload: object): Delivery => ({ id: randomUUID(), name, payload });

/** The real pull request #2 of Codertocat/Hello-World, as it looked after `action` at `updatedAt`. */
function pullRequest(action: string, updatedAt: string, adjust: (pr: PullRequestEvent["pull_request"]) => void = () => {}): Delivery {
  const payload = inInstallation({ ...exampleAction("pull_request", "opened"), action } as PullRequestEvent);
  payload.pull_request.updated_at = updatedAt;
  adjust(payload.pull_request);
  return event("pull_request", payload);
}

function review(action: "submitted" | "dismissed", state: string, prUpdatedAt: string): Delivery {
  const payload = inInstallation(exampleAction("pull_request_review", "submitted"));
  const dismissedOrSubmitted = { ...payload, action } as PullRequestReviewEvent;
  dismissedOrSubmitted.review.state = state as PullRequestReviewEvent["review"]["state"];
  dismissedOrSubmitted.pull_request.updated_at = prUpdatedAt;
  return event("pull_request_review", dismissedOrSubmitted);
}

/** Issue #1 of Hello-World; `transferred` and `deleted` use their real examples moved onto this repository. */
function issue(action: string, updatedAt: string, adjust: (payload: IssuesEvent) => void = () => {}): Delivery {
  const payload = inInstallation({ ...exampleAction("issues", "opened"), action } as IssuesEvent);
  payload.issue.updated_at = updatedAt;
  adjust(payload);
  return event("issues", payload);
}

function transferredIssue(): Delivery[] {
  const transferred = inInstallation(exampleAction("issues", "transferred"));
  transferred.repository = exampleAction("issues", "opened").repository;
  const opened = inInstallation({ ...structuredClone(transferred), action: "opened" } as IssuesEvent);
  opened.issue.updated_at = "2019-10-25T22:40:00Z";
  return [event("issues", opened), event("issues", transferred)];
}

function push(sha: string, message: string, forced: boolean): Delivery {
  const payload = inInstallation(examplePayload("push", (p) => p.ref === "refs/heads/master" && p.commits.length === 1)) as PushEvent;
  payload.forced = forced;
  payload.commits = [{ ...payload.commits[0]!, id: sha, message }];
  return event("push", payload);
}

function reviewComment(createdAt: string): Delivery {
  const payload = inInstallation(exampleAction("pull_request_review_comment", "created"));
  payload.comment.created_at = createdAt;
  return event("pull_request_review_comment", payload);
}

function ticketComment(commentsCount: number, updatedAt: string): Delivery {
  const payload = inInstallation(exampleAction("issue_comment", "created"));
  payload.issue.comments = commentsCount;
  payload.issue.updated_at = updatedAt;
  return event("issue_comment", payload);
}

function memberAdded(): Delivery {
  return event("organization", inInstallation(examplePayload("organization", (p) => p.action === "member_added")));
}

/**
 * A realistic day of Hello-World: a pull request's whole life, reviewed, commented, dismissed and merged; an issue
 * opened, edited, commented, closed and deleted; another transferred; pushes including a force-push; a new member.
 * Conversation comments on pull requests are left out: the payload names the pull request by number only, so a
 * comment that overtakes its pull request's first event cannot be attached (the backfill it requests fills it in).
 */
function dayOfEvents(): Delivery[] {
  return [
    pullRequest("opened", at("20:33")),
    pullRequest("labeled", at("20:35"), (pr) => (pr.labels = [{ ...exampleLabel(), name: "bug" }])),
    reviewComment(at("20:37")),
    reviewComment(at("20:36")),
    pullRequest("edited", at("20:40"), (pr) => {
      pr.title = "Update the README with new information";
      pr.labels = [{ ...exampleLabel(), name: "bug" }];
    }),
    review("submitted", "approved", at("20:42")),
    pullRequest("synchronize", at("20:45"), (pr) => {
      pr.title = "Update the README with new information";
      pr.labels = [{ ...exampleLabel(), name: "bug" }];
      pr.additions = 7;
      pr.commits = 2;
      pr.review_comments = 2;
    }),
    review("dismissed", "dismissed", at("20:50")),
    pullRequest("converted_to_draft", at("20:55"), (pr) => (pr.draft = true)),
    pullRequest("ready_for_review", at("21:00"), (pr) => (pr.draft = false)),
    pullRequest("closed", at("21:18"), (pr) => {
      pr.title = "Update the README with new information";
      pr.labels = [{ ...exampleLabel(), name: "bug" }];
      mergedAt(at("21:18"))(pr);
      pr.additions = 7;
      pr.commits = 2;
      pr.review_comments = 2;
    }),
    issue("opened", at("20:18")),
    issue("edited", at("20:25"), (payload) => (payload.issue.title = "Spelling error in the README (and a typo)")),
    ticketComment(1, at("20:30")),
    issue("closed", at("21:30"), (payload) => {
      payload.issue.title = "Spelling error in the README (and a typo)";
      payload.issue.comments = 1;
      closedAt(at("21:30"))(payload);
    }),
    issue("deleted", at("21:40"), (payload) => {
      payload.issue.title = "Spelling error in the README (and a typo)";
      payload.issue.comments = 1;
      payload.issue.state = "closed";
    }),
    ...transferredIssue(),
    push("1111111111111111111111111111111111111111", "First change\n\nwith a body", false),
    push("2222222222222222222222222222222222222222", "Second change", false),
    push("3333333333333333333333333333333333333333", "Rewritten history", true),
    memberAdded(),
  ];
}

function mergedAt(time: string) {
  return (pr: PullRequestEvent["pull_request"]) => {
    pr.state = "closed";
    pr.closed_at = pr.merged_at = time;
    pr.merged = true;
    pr.merged_by = pr.user;
  };
}

function closedAt(time: string) {
  return (payload: IssuesEvent) => {
    payload.issue.state = "closed";
    payload.issue.state_reason = "completed";
    payload.issue.closed_at = time;
  };
}

function exampleLabel() {
  return structuredClone(exampleAction("pull_request", "labeled").pull_request.labels[0]!);
}

/** Redeliveries (same delivery id) and re-sent copies (new id) of a few events. */
function withDuplicates(stream: Delivery[], seed: number): Delivery[] {
  const picks = seededShuffle(stream, seed).slice(0, 6);
  return [...stream, ...picks.slice(0, 3), ...picks.slice(3).map((d) => ({ ...d, id: randomUUID() }))];
}

async function replay(stream: Delivery[]) {
  await clearDatabase();
  await deliver(probot, "installation", installationCreated());
  for (const { id, name, payload } of stream) await deliver(probot, name, structuredClone(payload), id);
  return ingestedData();
}

describe("a realistic event stream", () => {
  it("ends in the expected records when delivered in order", async () => {
    const data = await replay(dayOfEvents());

    expect(data.pullRequests).toEqual([
      expect.objectContaining({
        githubId: 279147437,
        title: "Update the README with new information",
        state: "merged",
        draft: false,
        labels: ["bug"],
        mergedBy: { id: 21031067, login: "Codertocat" },
        additions: 7,
        commitsCount: 2,
        reviewCommentsCount: 2,
        firstReviewCommentAt: at("20:36.000"),
        updatedAt: at("21:18.000"),
      }),
    ]);
    expect(data.reviews).toEqual([expect.objectContaining({ githubId: 237895671, state: "DISMISSED" })]);
    expect(data.tickets).toHaveLength(2);
    expect(data.tickets).toEqual(expect.arrayContaining([
      expect.objectContaining({ githubId: 444500041, state: "closed", commentsCount: 1, deletedAt: at("21:40.000"), title: "Spelling error in the README (and a typo)" }),
      expect.objectContaining({ githubId: 512748900, transferredTo: "Codertocat/Hello-World", deletedAt: "2019-05-15T15:20:18.000Z" }),
    ]));
    expect(data.commits).toHaveLength(3);
    expect(data.members).toEqual([expect.objectContaining({ login: "hacktocat", active: true })]);
    expect(data.repositories).toEqual([expect.objectContaining({ githubId: HELLO_WORLD, granted: true })]);
  });

  it.each([1, 7, 42, 2024, 99991])("ends in the same database when shuffled and duplicated (seed %i)", async (seed) => {
    const ordered = await replay(dayOfEvents());
    const shuffled = await replay(seededShuffle(withDuplicates(dayOfEvents(), seed), seed));

    expect(shuffled).toEqual(ordered);
  });
});

describe("two changes in one second (GitHub's updated_at has whole seconds)", () => {
  // Each pair: the earlier change, then the later one, both dated by the same second.
  const oneSecond = () => [
    [pullRequest("opened", at("21:18")), pullRequest("closed", at("21:18"), mergedAt(at("21:18")))],
    [issue("opened", at("21:30")), issue("closed", at("21:30"), closedAt(at("21:30")))],
    [review("submitted", "approved", at("20:50")), review("dismissed", "dismissed", at("20:50"))],
  ];
  const orders = {
    "in order": (pair: Delivery[]) => pair,
    "the later change first": (pair: Delivery[]) => [...pair].reverse(),
    // A redelivery with the delivery's own id is stored once; a copy under a new id is processed again.
    "the earlier change sent again after the later": (pair: Delivery[]) => [...pair, { ...pair[0]!, id: randomUUID() }],
  };

  it.each(Object.keys(orders))("end merged, closed and dismissed: %s", async (order) => {
    const stream = oneSecond().flatMap(orders[order as keyof typeof orders]);
    const data = await replay(stream);

    expect(data.pullRequests).toEqual([expect.objectContaining({ state: "merged", mergedAt: at("21:18.000"), updatedAt: at("21:18.000") })]);
    expect(data.tickets).toEqual([expect.objectContaining({ state: "closed", closedAt: at("21:30.000"), updatedAt: at("21:30.000") })]);
    expect(data.reviews).toEqual([expect.objectContaining({ state: "DISMISSED" })]);
  });
});
