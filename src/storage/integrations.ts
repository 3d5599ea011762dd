import { setTimeout as sleep } from "node:timers/promises";
import { installationSnapshot, isSuspended, nextStatus, type InstallationSnapshot, type LifecycleAction } from "../domain/installation.js";
import { mongo } from "mongoose";
import { insertUnlessTaken } from "./atomic-updates.js";
import { isTransientConflict } from "./mongo-errors.js";
import { IntegrationModel, type Actor, type AuditEntry, type AuditRepository, type Integration, type IntegrationStatus } from "./models/integration.js";

export function findIntegration(installationId: number) {
  return IntegrationModel.findOne({ installationId }).lean();
}

export function listIntegrations(filter: { status?: IntegrationStatus } = {}) {
  return IntegrationModel.find(filter).sort({ "account.login": 1 }).lean();
}

/**
 * Creates the integration if it is new, and refreshes what mirrors GitHub (account, selection, permissions, events)
 * unless a newer snapshot is already stored: events may arrive late or twice. Created by insert and refreshed by a
 * guarded update, never by an upsert: on DocumentDB concurrent upserts of one new key can leave an older snapshot.
 */
/** Writers racing to create one integration wait up to this, times the round, before trying again. */
const INSERT_RACE_BACKOFF_MS = 20;

export async function recordInstallationSnapshot(installation: InstallationSnapshot): Promise<void> {
  const snapshot = installationSnapshot(installation);
  // A refresh that DocumentDB aborted as a deadlock with a racing insert changed nothing: the rounds below try again.
  const refreshUnlessNewer = () =>
    IntegrationModel.updateOne({ installationId: installation.id, snapshotAt: { $lte: snapshot.snapshotAt } }, { $set: snapshot }).catch((error: unknown) => {
      if (error instanceof mongo.MongoServerError && typeof error.code === "number" && isTransientConflict(error.code)) return { matchedCount: 0 };
      throw error;
    });
  if ((await refreshUnlessNewer()).matchedCount === 1) return;
  const create = () =>
    IntegrationModel.create({
      installationId: installation.id,
      ...snapshot,
      name: snapshot.account.login,
      status: isSuspended(installation) ? "suspended" : "active",
      statusChangedAt: snapshot.snapshotAt,
    });
  const newerStored = () => IntegrationModel.exists({ installationId: installation.id, snapshotAt: { $gt: snapshot.snapshotAt } });
  // Round again while the key is taken by a writer whose insert is not visible yet (DocumentDB can answer a racing
  // insert with a deadlock before the other commits): it ends once the stored one is refreshed, or is newer. Each
  // round waits a random while first, growing: writers that keep aborting each other's inserts fall out of step.
  for (let round = 1; !(await newerStored()) && !(await insertUnlessTaken(create)); round += 1) {
    if ((await refreshUnlessNewer()).matchedCount === 1) return;
    await sleep(Math.random() * Math.min(round, 10) * INSERT_RACE_BACKOFF_MS);
  }
}

export async function recordInstaller(installationId: number, sender: Actor | null, requester: Actor | null) {
  await IntegrationModel.updateOne({ installationId }, { $set: { sender, requester } });
}

/**
 * Moves the integration's status for a lifecycle action that happened at `at`.
 * Returns the new status, or null when the action is stale or cannot apply (see `nextStatus`).
 */
export async function applyLifecycleAction(
  installationId: number,
  action: LifecycleAction,
  at: Date,
  actor: Actor | null,
): Promise<IntegrationStatus | null> {
  const current = await IntegrationModel.findOne({ installationId }, { status: 1, statusChangedAt: 1 }).lean();
  if (!current) return null;
  const status = nextStatus(current.status, action);
  // Suspend and unsuspend can cross in flight; the later one wins. Deletion wins whenever it arrives.
  if (!status || (action !== "delete" && current.statusChangedAt > at)) return null;
  const details =
    action === "delete"
      ? { uninstalledAt: at, uninstalledBy: actor }
      : { suspendedBy: action === "suspend" ? actor : null };
  const result = await IntegrationModel.updateOne(
    { installationId, status: current.status, statusChangedAt: current.statusChangedAt },
    { $set: { status, statusChangedAt: at, ...details } },
  );
  // Another delivery changed it between our read and write: let that one stand and re-evaluate.
  return result.matchedCount === 1 ? status : applyLifecycleAction(installationId, action, at, actor);
}

/**
 * How many audit entries an integration keeps, the oldest going first: the trail lives in the integration's document,
 * which every page of the integration reads.
 */
export const AUDIT_TRAIL_LENGTH = 200;

/** How many repositories one audit entry names (an installation can gain thousands at once); the rest are counted. */
export const AUDIT_REPOSITORIES_LISTED = 10;

/** The repositories an audit entry concerns, as it records them. */
export function auditRepositories(repositories: AuditRepository[]): Pick<AuditEntry, "repositories" | "repositoryCount"> {
  if (repositories.length === 0) return {};
  const listed = repositories.slice(0, AUDIT_REPOSITORIES_LISTED).map(({ id, fullName }) => ({ id, fullName }));
  return repositories.length > listed.length ? { repositories: listed, repositoryCount: repositories.length } : { repositories: listed };
}

/** Appends to the audit trail; once per delivery, so a redelivered event leaves one entry. */
export async function appendAudit(installationId: number, entry: AuditEntry): Promise<void> {
  const filter = entry.deliveryId ? { installationId, "audit.deliveryId": { $ne: entry.deliveryId } } : { installationId };
  await IntegrationModel.updateOne(filter, { $push: { audit: { $each: [entry], $slice: -AUDIT_TRAIL_LENGTH } } });
}

export async function renameAccount(installationId: number, from: string, to: string): Promise<void> {
  // The display name follows the account only while nobody has chosen another one.
  await IntegrationModel.updateOne({ installationId, name: from }, { $set: { name: to } });
  await IntegrationModel.updateOne({ installationId }, { $set: { "account.login": to } });
}

export function findIntegrations(installationIds: number[]) {
  return IntegrationModel.find({ installationId: { $in: installationIds } }).sort({ "account.login": 1 }).lean();
}

/** Returns the name it had, for the audit trail; null when there is no such integration. */
export async function renameIntegration(installationId: number, name: string): Promise<string | null> {
  const before = await IntegrationModel.findOneAndUpdate({ installationId }, { $set: { name } }, { projection: { name: 1 } }).lean();
  return before?.name ?? null;
}

export async function setService(installationId: number, service: keyof Integration["services"], enabled: boolean): Promise<void> {
  await IntegrationModel.updateOne({ installationId }, { $set: { [`services.${service}`]: enabled } });
}

/** Uninstalled integrations of these accounts: GitHub no longer lists their installations to anyone. */
export function findUninstalledIntegrations(accountIds: number[]) {
  return IntegrationModel.find({ status: "uninstalled", "account.id": { $in: accountIds } }).sort({ "account.login": 1 }).lean();
}

/** An integration as read from the database (plain object, maps as records). */
export type StoredIntegration = NonNullable<Awaited<ReturnType<typeof findIntegration>>>;
