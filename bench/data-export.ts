import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { IntegrationModel } from "../src/storage/models/integration.js";
import { exportLines } from "../src/web/data-api.js";
import { round1 } from "./figures.js";

/** The target for the data API's export. */
export const DATA_EXPORT_TARGET_PER_SEC = 5_000;

export interface DataExportMeasurement {
  records: number;
  seconds: number;
  exportRecordsPerSec: number;
  megabytes: number;
  /** The bench process's resident memory, before the export and at its peak: flat, whatever the size. */
  rssBeforeMB: number;
  peakRssMB: number;
  targetRecordsPerSec: number;
}

const MB = 1024 * 1024;

/**
 * The NDJSON export of the stored integration (the organization just backfilled), as its route streams it, read as
 * fast as a sink that counts records and bytes takes it (no network: the database read and the serialization).
 */
export async function measureDataExport(): Promise<DataExportMeasurement> {
  const integration = await IntegrationModel.findOne({}, { installationId: 1 }).lean();
  if (!integration) throw new Error("The data export bench needs a stored integration: run it after a backfill");
  let lines = 0;
  let bytes = 0;
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      done();
    },
  });
  const started = performance.now();
  await pipeline(Readable.from(exportLines(integration.installationId)), sink);
  const seconds = (performance.now() - started) / 1000;
  // The first line holds the cursors, not a record.
  const records = lines - 1;
  return {
    records,
    seconds: round1(seconds),
    exportRecordsPerSec: Math.round(records / seconds),
    megabytes: round1(bytes / MB),
    rssBeforeMB: Math.round(rssBefore / MB),
    peakRssMB: Math.round(peakRss / MB),
    targetRecordsPerSec: DATA_EXPORT_TARGET_PER_SEC,
  };
}

export function formatDataExport(m: DataExportMeasurement): string {
  return (
    `Data API export (target ≥ ${m.targetRecordsPerSec.toLocaleString("en")} records/s): ${m.records.toLocaleString("en")} records, ${m.megabytes} MB of NDJSON ` +
    `in ${m.seconds} s, ${m.exportRecordsPerSec.toLocaleString("en")} records/s; bench RSS ${m.rssBeforeMB} MB before, ${m.peakRssMB} MB at peak`
  );
}
