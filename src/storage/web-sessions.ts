import { WebSessionModel, type WebSession } from "./models/web-session.js";

export async function createWebSession(session: WebSession): Promise<void> {
  await WebSessionModel.create(session);
}

/** The session, unless it expired. */
export function findWebSession(idHash: string, now = new Date()) {
  return WebSessionModel.findOne({ idHash, expiresAt: { $gt: now } }).lean();
}

export async function deleteWebSession(idHash: string): Promise<void> {
  await WebSessionModel.deleteOne({ idHash });
}

export async function deleteUserSessions(userId: number): Promise<void> {
  await WebSessionModel.deleteMany({ userId });
}
