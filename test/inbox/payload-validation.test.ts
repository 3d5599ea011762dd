import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateWebhookPayload } from "../../src/inbox/payload-validation.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

/** Every event GitHub sends the app: app.yml's subscriptions, and the lifecycle events every GitHub App receives. */
const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as { default_events: string[] };
const RECEIVED = [...manifest.default_events, "installation", "installation_repositories", "installation_target", "github_app_authorization"];

/** GitHub's example payloads: github.com's, and each GitHub Enterprise Server version's (older, fewer fields). */
const examplesRoot = dirname(dirname(createRequire(import.meta.url).resolve("@octokit/webhooks-examples")));
const EXAMPLE_SETS = readdirSync(examplesRoot, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
const examplesOf = (set: string): WebhookDefinition[] => JSON.parse(readFileSync(join(examplesRoot, set, "index.json"), "utf8"));

/** The examples were captured from repository and organization webhooks, which carry no `installation`. */
const installed = <P extends object>(payload: P): P =>
  "installation" in payload ? payload : { ...payload, installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" } };

/** A payload as a GitHub App receives it: always with its installation, but for the user-level github_app_authorization. */
const asAppDelivery = (event: string, payload: object) => (event === "github_app_authorization" ? payload : installed(payload));

describe("GitHub's own payloads", () => {
  it.each(EXAMPLE_SETS)("validate, every example of every event the app receives (%s)", (set) => {
    const definitions = examplesOf(set).filter((definition) => RECEIVED.includes(definition.name));
    expect(definitions.length).toBeGreaterThan(0);
    const rejected = definitions.flatMap((definition) =>
      definition.examples.flatMap((example, index) => {
        const reason = validateWebhookPayload(definition.name, asAppDelivery(definition.name, example));
        return reason === null ? [] : [`${definition.name}[${index}] ${(example as { action?: string }).action ?? ""}: ${reason}`];
      }),
    );
    expect(rejected).toEqual([]);
  });

  it("validate with fields and values newer than the schema", () => {
    const payload = installed(exampleAction("pull_request", "opened"));
    const newer = {
      ...payload,
      field_added_next_year: { nested: true },
      pull_request: { ...payload.pull_request, author_association: "NEW_VALUE", state: "queued", auto_merge_strategy: "rebase" },
      repository: { ...payload.repository, visibility: "restricted" },
    };
    expect(validateWebhookPayload("pull_request", newer)).toBeNull();
  });

  it("validate with an action the schema does not know yet, which the handlers' mappings guard instead", () => {
    expect(validateWebhookPayload("pull_request", { ...installed(exampleAction("pull_request", "opened")), action: "merge_queued" })).toBeNull();
  });

  it("validate from a user revoking the app, which concerns no installation", () => {
    expect(validateWebhookPayload("github_app_authorization", exampleAction("github_app_authorization", "revoked"))).toBeNull();
  });
});

describe("malformed payloads of events the app handles", () => {
  const opened = () => installed(exampleAction("pull_request", "opened"));

  it("are rejected for a pull request of the wrong types, naming each path", () => {
    const payload = opened();
    const { id: _id, ...withoutId } = payload.pull_request;
    const reason = validateWebhookPayload("pull_request", { ...payload, pull_request: { ...withoutId, number: "42", updated_at: 1 } });
    expect(reason).toContain("pull_request.id is required");
    expect(reason).toContain("pull_request.number must be integer");
    expect(reason).toContain("pull_request.updated_at must be string");
  });

  it("are rejected without the object the event is about", () => {
    const { pull_request: _pullRequest, ...payload } = opened();
    expect(validateWebhookPayload("pull_request", payload)).toBe("pull_request is required");
  });

  it("are rejected without an installation, or with one that has no id", () => {
    const { installation: _installation, ...payload } = opened();
    expect(validateWebhookPayload("pull_request", payload)).toBe("installation is required");
    expect(validateWebhookPayload("pull_request", { ...payload, installation: { node_id: "x" } })).toBe("installation.id is required");
  });

  it("are rejected for an issue without its id", () => {
    const payload = installed(exampleAction("issues", "opened"));
    const { id: _id, ...issue } = payload.issue;
    expect(validateWebhookPayload("issues", { ...payload, issue })).toBe("issue.id is required");
  });

  it("are rejected for a push without its repository", () => {
    const { repository: _repository, ...payload } = installed(examplePayload("push"));
    expect(validateWebhookPayload("push", payload)).toBe("repository is required");
  });

  it("name the field, not its nullable parent, when a nested object is wrong", () => {
    const payload = opened();
    const milestone = { id: "7", number: 1, state: "open", title: "v1", created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" };
    expect(validateWebhookPayload("pull_request", { ...payload, pull_request: { ...payload.pull_request, milestone } })).toBe("pull_request.milestone.id must be integer");
    expect(validateWebhookPayload("pull_request", { ...payload, pull_request: { ...payload.pull_request, milestone: 7 } })).toBe(
      "pull_request.milestone must be object or null",
    );
  });

  it("are rejected without an action, or with one that is not a string", () => {
    const { action: _action, ...payload } = opened();
    expect(validateWebhookPayload("pull_request", payload)).toBe("action is required");
    expect(validateWebhookPayload("pull_request", { ...payload, action: 1 })).toBe("action must be string");
  });

  it("are rejected when not an object", () => {
    expect(validateWebhookPayload("push", [])).toBe("payload must be object");
    expect(validateWebhookPayload("push", "push")).toBe("payload must be object");
  });

  it("get a short reason however much is wrong", () => {
    const reason = validateWebhookPayload("pull_request", { ...opened(), pull_request: {}, repository: {}, sender: {} })!;
    expect(reason).toMatch(/^pull_request\.id is required; .*; and \d+ more$/);
    expect(reason.length).toBeLessThanOrEqual(300);
  });

  it("are checked for every event the app handles; `member`, subscribed but not handled, is acknowledged as it comes", () => {
    const checked = RECEIVED.filter((event) => validateWebhookPayload(event, {}) !== null);
    expect(RECEIVED.filter((event) => !checked.includes(event))).toEqual(["member"]);
  });
});

describe("events the app does not handle", () => {
  it("are never rejected", () => {
    expect(validateWebhookPayload("star", {})).toBeNull();
    expect(validateWebhookPayload("an_event_github_adds_later", null)).toBeNull();
  });
});
