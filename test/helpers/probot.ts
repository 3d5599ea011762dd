import { generateKeyPairSync, randomUUID } from "node:crypto";
import type { WebhookEventName } from "@octokit/webhooks-types";
import { pino } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import { tributary } from "../../src/app.js";
import { describeDelivery } from "../../src/inbox/envelope.js";
import { processDeliveryNow } from "../../src/inbox/processor.js";
import { storeReceivedDelivery } from "../../src/storage/deliveries.js";
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

/**
 * Delivers a webhook as the app receives one: stored in the inbox (a redelivery of a stored id changes nothing), then
 * processed at once rather than by a background processor. Fails the test if processing failed. Returns the delivery
 * id so a test can redeliver it.
 */
export async function deliver(probot: Probot, name: WebhookEventName, payload: object, id: string = randomUUID()) {
  const received = describeDelivery(id, name, JSON.stringify(payload));
  if (!received) throw new Error("payload is not a JSON object");
  if (!(await storeReceivedDelivery({ ...received, receivedAt: new Date() }))) return id;
  const outcome = await processDeliveryNow(probot, id);
  if (outcome && !outcome.processed) throw new Error(`delivery ${id} (${name}) failed: ${outcome.error}`);
  return id;
}
