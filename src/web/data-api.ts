import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Request, Response } from "express";
import { z } from "zod";
import { DATA_KINDS, RECORD_TYPES, type DataKind } from "../storage/data-kinds.js";
import { readDataPage, storedRecords } from "../storage/data-pages.js";
import { positionBefore, settledPosition } from "../storage/data-sequence.js";
import { HttpError } from "./http-error.js";
import { parseInput } from "./inputs.js";

/*
 * The data API: each kind of record of an integration, page by page in the order their changes became visible (see
 * src/storage/data-sequence.ts), and the whole integration as NDJSON.
 */

export const DATA_PAGE_LIMIT = { default: 100, max: 1000 } as const;

/** A cursor names its listing and the position its next page starts after: "commits.1200". Opaque to clients. */
const CURSOR = /^([a-z-]{1,20})\.(\d{1,15})$/;
const cursorOf = (kind: DataKind, after: number) => `${kind}.${after}`;

const limitError = `“limit” must be a whole number from 1 to ${DATA_PAGE_LIMIT.max}.`;
export const dataKindParam = z.enum(DATA_KINDS, { error: `The kind of record must be one of ${DATA_KINDS.join(", ")}.` });
export const dataPageQuery = z
  .object({
    updated_since: z.iso.datetime({ offset: true, error: "“updated_since” must be a time such as 2026-01-31T09:00:00Z, given once." }).optional(),
    cursor: z.string({ error: "Give “cursor” once." }).regex(CURSOR, "“cursor” must be the nextCursor of a previous page, as it was.").optional(),
    limit: z.coerce.number({ error: limitError }).int(limitError).min(1, limitError).max(DATA_PAGE_LIMIT.max, limitError).default(DATA_PAGE_LIMIT.default),
  })
  .refine((query) => !(query.updated_since && query.cursor), { error: "Give either “updated_since” (to start a listing) or “cursor” (to continue one), not both." });

/** Where a listing starts: after the cursor's position, or before the first change since `updated_since`, or at the beginning. */
async function startOf(installationId: number, kind: DataKind, query: z.infer<typeof dataPageQuery>): Promise<number> {
  if (query.updated_since) return positionBefore(installationId, kind, new Date(query.updated_since));
  if (!query.cursor) return 0;
  const [, cursorKind, after] = CURSOR.exec(query.cursor)!;
  if (cursorKind !== kind) throw new HttpError(400, `This cursor continues the listing of ${cursorKind}, not of ${kind}: send it to that address.`);
  return Number(after);
}

/** One page of an integration's records of one kind, with the cursor of the next. */
export async function dataPage(installationId: number, req: Request) {
  const kind = parseInput(dataKindParam, req.params.kind);
  const query = parseInput(dataPageQuery, req.query);
  const page = await readDataPage(installationId, kind, await startOf(installationId, kind, query), query.limit);
  return { records: page.records, nextCursor: cursorOf(kind, page.after), hasMore: page.hasMore };
}

/** The NDJSON lines of an export: the cursors to continue from, then every record of every kind. */
export async function* exportLines(installationId: number): AsyncGenerator<string> {
  const cursors = await Promise.all(DATA_KINDS.map(async (kind) => [kind, cursorOf(kind, await settledPosition(installationId, kind))] as const));
  yield `${JSON.stringify({ type: "cursors", cursors: Object.fromEntries(cursors) })}\n`;
  for (const kind of DATA_KINDS) {
    for await (const batch of storedRecords(installationId, kind)) {
      yield `${batch.map((record) => JSON.stringify({ type: RECORD_TYPES[kind], record })).join("\n")}\n`;
    }
  }
}

/**
 * Streams the export, as fast as the client reads it (backpressure: memory stays flat). The cursors come first, read
 * before any record: from them the data API brings every change the export missed or that happened during it.
 */
export async function streamExport(installationId: number, res: Response): Promise<void> {
  res.status(200).set({ "content-type": "application/x-ndjson", "content-disposition": `attachment; filename="tributary-${installationId}.ndjson"` });
  try {
    await pipeline(Readable.from(exportLines(installationId)), res);
  } catch (error) {
    // A client that hangs up midway has nothing left to be told.
    if (!res.destroyed) throw error;
  }
}
