import { bulkWriteInChunks } from "./bulk-writes.js";
import { MemberModel, type Member } from "./models/member.js";

/** An organization member as a source knows them; a source that cannot see the role leaves the stored one. */
export type MemberRecord = Pick<Member, "userId" | "login"> & Partial<Pick<Member, "role">>;

/** Records these users as active members of the installation's organization, following login changes. */
export async function saveMembers(installationId: number, members: MemberRecord[]): Promise<void> {
  if (members.length === 0) return;
  const syncedAt = new Date();
  await bulkWriteInChunks(
    MemberModel,
    members.map((member) => ({
      updateOne: {
        filter: { installationId, userId: member.userId },
        update: { $set: { ...member, active: true, syncedAt } },
        upsert: true,
      },
    })),
  );
}

/** The user left the organization; the record stays, so their past work still resolves to them. */
export async function markMemberRemoved(installationId: number, userId: number): Promise<void> {
  await MemberModel.updateOne({ installationId, userId }, { $set: { active: false, syncedAt: new Date() } });
}
