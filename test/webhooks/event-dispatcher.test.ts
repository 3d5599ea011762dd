import { randomUUID } from "node:crypto";
import type { EmitterWebhookEvent } from "@octokit/webhooks";
import { pino } from "pino";
import type { Context } from "probot";
import { describe, expect, it } from "vitest";
import { eventDispatcher } from "../../src/webhooks/event-dispatcher.js";
import { exampleAction } from "../helpers/webhooks.js";

const issueOpened = () => ({ id: randomUUID(), name: "issues", payload: exampleAction("issues", "opened") }) as EmitterWebhookEvent<"issues">;

describe("the event dispatcher", () => {
  it("gives handlers Probot's context: the event's id, name and payload, and a logger", async () => {
    const dispatcher = eventDispatcher(pino({ level: "silent" }));
    const seen: Context<"issues">[] = [];
    dispatcher.on("issues.opened", async (context) => {
      seen.push(context);
    });
    const event = issueOpened();
    await dispatcher.receive(event);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: event.id, name: "issues", payload: event.payload });
    expect(typeof seen[0]!.log.info).toBe("function");
  });

  it("refuses any GitHub request a handler makes, before anything is sent", async () => {
    const dispatcher = eventDispatcher(pino({ level: "silent" }));
    let request: Promise<unknown> | undefined;
    dispatcher.on("issues", async (context) => {
      request = context.octokit.request("GET /repos/{owner}/{repo}", context.repo());
    });
    await dispatcher.receive(issueOpened());
    // nock refuses every connection in tests, with another message: this one says nothing was sent.
    await expect(request).rejects.toThrow("webhook handlers do not call GitHub");
  });

  it("fails the event with what its handlers threw", async () => {
    const dispatcher = eventDispatcher(pino({ level: "silent" }));
    dispatcher.on("issues", async () => {
      throw new Error("database unavailable");
    });
    const received = dispatcher.receive(issueOpened());
    await expect(received).rejects.toBeInstanceOf(AggregateError);
    await expect(received).rejects.toMatchObject({ errors: [expect.objectContaining({ message: "database unavailable" })] });
  });
});
