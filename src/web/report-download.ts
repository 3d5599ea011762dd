import type { Response } from "express";
import { reportTable, toCsv } from "../reports/csv.js";
import { integrationReport } from "../reports/integration-report.js";
import { parseInput } from "./inputs.js";
import { reportRequest, reportTableInput } from "./report-inputs.js";

/** Sends one table of the report the query asks for as a CSV download, named for the table and its last week. */
export async function sendReportCsv(installationId: number, query: unknown, res: Response): Promise<void> {
  const { table } = parseInput(reportTableInput, query);
  const report = await integrationReport(installationId, reportRequest(query));
  const names = new Map(report.repositories.map((repository) => [repository.id, repository.fullName]));
  const csv = toCsv(reportTable(report, table, (id) => names.get(id) ?? String(id)));
  res.type("text/csv; charset=utf-8").attachment(`${table}-${report.weeks.at(-1)}.csv`).send(csv);
}
