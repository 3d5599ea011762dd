import { beforeEach, describe, expect, it } from "vitest";
import { appendAudit } from "../../src/storage/integrations.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { clearDatabase } from "../helpers/database.js";
import { together } from "../helpers/contention.js";

/*
 * Audit entries appended at once to one integration, on the test database: none is lost, and one delivery's entry
 * is kept once however many redeliveries append it together. A database that applies an update as read → modify →
 * replace (FerretDB v1) drops entries pushed in between, and its `$ne` on an array field let duplicates through.
 */

const INSTALLATION_ID = 7;
const entry = (action: string, deliveryId: string | null) => ({ action, actor: null, at: new Date(), deliveryId });

beforeEach(async () => {
  await clearDatabase();
  const now = new Date();
  await IntegrationModel.create({
    installationId: INSTALLATION_ID,
    account: { id: 70, login: "acme", type: "Organization" },
    repositorySelection: "all",
    snapshotAt: now,
    statusChangedAt: now,
    name: "acme",
  });
});

const auditTrail = async () => (await IntegrationModel.findOne({ installationId: INSTALLATION_ID }).lean())!.audit;

describe("the audit trail under contention", () => {
  it("keeps all of 32 entries appended at once, and once the 8 redeliveries of one delivery appended with them", async () => {
    await Promise.all([
      together(16, (i) => appendAudit(INSTALLATION_ID, entry(`webhook.${i}`, `delivery-${i}`))),
      together(16, (i) => appendAudit(INSTALLATION_ID, entry(`person.${i}`, null))),
      together(8, () => appendAudit(INSTALLATION_ID, entry("installation.suspend", "redelivered"))),
    ]);

    const trail = await auditTrail();
    expect(trail).toHaveLength(33);
    expect(new Set(trail.map(({ action }) => action)).size).toBe(33);
    expect(trail.filter(({ deliveryId }) => deliveryId === "redelivered")).toHaveLength(1);
  });
});
