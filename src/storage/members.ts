import { observedFlagUpdate, updateIfChanged, writeInChunks, type ObservedFlag } from "./bulk-writes.js";
import { MemberModel, type Member } from "./models/member.js";

/** An organization member as a source knows them; a source that cannot see the role leaves the stored one. */
export type MemberRecord = Pick<Member, "userId" | "login"> & Partial<Pick<Member, "role">>;

const ACTIVE: ObservedFlag = { field: "active", changedAtField: "membershipChangedAt" };

/**
 * Records these users as members of the installation's organization as of `observedAt` (when the source looked),
 * following login changes. A member removed before that is active again; one removed after it stays removed,
 * however late a backfill page read earlier is written.
 */
export async function saveMembers(installationId: number, members: MemberRecord[], observedAt: Date): Promise<void> {
  if (members.length === 0) return;
  const syncedAt = new Date();
  await writeInChunks(
    MemberModel,
    members.map((member) => ({ key: { installationId, userId: member.userId }, set: { ...member, syncedAt } })),
    {
      compared: (record) => [...Object.keys(record.set), "active"],
      updates(record, stored) {
        const updates = updateIfChanged(record, stored);
        if (stored?.active !== true) updates.push({ updateOne: observedFlagUpdate(ACTIVE, true, observedAt, record.key) });
        return updates;
      },
    },
  );
}

/** The user left the organization at `at`; the record stays, so their past work still resolves to them. */
export async function markMemberRemoved(installationId: number, userId: number, at: Date): Promise<void> {
  const { filter, update } = observedFlagUpdate(ACTIVE, false, at, { installationId, userId });
  await MemberModel.updateOne(filter, update);
}
