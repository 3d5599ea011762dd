import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { EmitterWebhookEvent } from "@octokit/webhooks";
import type { WebhookEventName } from "@octokit/webhooks-types";
import { pino } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import { tributary } from "../../src/app.js";
import { probotOctokitWith } from "../../src/github/probot.js";

export const TEST_APP_ID = 1;
export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/**
 * A Probot running Tributary, talking to api.github.com (which tests mock with nock). By default without retries
 * and throttling, which would only hide what was asked; rate-limit tests pass Tributary's own Octokit.
 */
export function createTestProbot(Octokit: typeof ProbotOctokit = probotOctokitWith({ retry: { enabled: false }, throttle: { enabled: false } })): Probot {
  const probot = new Probot({ appId: TEST_APP_ID, privateKey: TEST_PRIVATE_KEY, log: pino({ level: "silent" }), Octokit });
  void probot.load(tributary);
  return probot;
}

/** Delivers a webhook as GitHub would; returns the delivery id so a test can redeliver it. */
export async function deliver(probot: Probot, name: WebhookEventName, payload: object, id: string = randomUUID()) {
  await probot.receive({ id, name, payload } as EmitterWebhookEvent);
  return id;
}
