import { TicketModel, type Ticket } from "./models/ticket.js";
import { differingFrom, resequenced } from "./sequence-reset.js";
import { upsertUnlessNewer, type StageOrder, type VersionedRecord } from "./bulk-writes.js";
import { savedTogether } from "./group-commit.js";
import { githubIdsOf, rollUpTickets, type ReportDerivation } from "./report-rollups.js";
import { countCreated } from "./stored-counts.js";

/** A ticket as one source knows it; deletion and transfer are recorded apart, so no record can undo them. */
export type TicketRecord = Pick<Ticket, "githubId" | "updatedAt"> &
  Partial<Omit<Ticket, "githubId" | "updatedAt" | "syncedAt" | "deletedAt" | "transferredTo">>;

/** Within one second an issue is opened, then closed: a tie goes to the later stage. */
const LIFECYCLE: StageOrder<Ticket["state"]> = { field: "state", ranks: { open: 0, closed: 1 } };

/**
 * Stores tickets unless a newer version (by GitHub's updatedAt) is stored, or the same version closed when this one
 * is open; only carried fields are written. Concurrent saves are written together.
 */
export const saveTickets = savedTogether(async (records: TicketRecord[], reports: ReportDerivation = "now") => {
  const syncedAt = new Date();
  // What this save wrote, created or updated: only those records' report entries can have changed.
  const updated: VersionedRecord[] = [];
  const created = await upsertUnlessNewer(
    TicketModel,
    records.map((record) => ({ key: { githubId: record.githubId }, set: { ...record, syncedAt } })),
    "updatedAt",
    LIFECYCLE,
    (record) => updated.push(record),
  );
  await countCreated("tickets", created);
  if (reports === "now") await rollUpTickets(githubIdsOf([...created, ...updated]));
});

/** The issue was deleted on GitHub; its record stays for history. */
export async function markTicketDeleted(githubId: number, at: Date): Promise<void> {
  await TicketModel.updateOne({ githubId, ...differingFrom({ deletedAt: at }) }, resequenced({ $set: { deletedAt: at, syncedAt: new Date() } }));
  await rollUpTickets([githubId]);
}

/** The issue moved to another repository (`toFullName`, "owner/name"); here it is gone as of `at`. */
export async function markTicketTransferred(githubId: number, toFullName: string, at: Date): Promise<void> {
  const gone = { deletedAt: at, transferredTo: toFullName };
  await TicketModel.updateOne({ githubId, ...differingFrom(gone) }, resequenced({ $set: { ...gone, syncedAt: new Date() } }));
  await rollUpTickets([githubId]);
}

export function findTicket(githubId: number) {
  return TicketModel.findOne({ githubId }).lean();
}
