import { z } from "zod";
import { REPORT_TABLES } from "../reports/csv.js";
import { parseInput } from "./inputs.js";

/** The Reports tab's and API's query: which weeks (ending with `until`'s), repositories and person. */
export const MAX_REPORT_WEEKS = 52;
export const DEFAULT_REPORT_WEEKS = 12;

export const reportQueryInput = z.object({
  weeks: z.coerce
    .number({ error: `The number of weeks must be a whole number from 1 to ${MAX_REPORT_WEEKS}.` })
    .int(`The number of weeks must be a whole number from 1 to ${MAX_REPORT_WEEKS}.`)
    .min(1, `The number of weeks must be a whole number from 1 to ${MAX_REPORT_WEEKS}.`)
    .max(MAX_REPORT_WEEKS, `The number of weeks must be a whole number from 1 to ${MAX_REPORT_WEEKS}.`)
    .default(DEFAULT_REPORT_WEEKS),
  until: z.iso.date("The last week must be given as a day, YYYY-MM-DD.").optional(),
  repositories: z
    .string()
    .regex(/^(\d{1,15}(,\d{1,15}){0,199})?$/, "Give at most 200 repository ids, separated by commas.")
    .transform((ids) => (ids ? ids.split(",").map(Number) : undefined))
    .optional(),
  person: z.union([z.literal(""), z.coerce.number({ error: "The person must be a GitHub user id." }).int().positive()]).optional(),
});

export const reportTableInput = z.object({ table: z.enum(REPORT_TABLES, `The table must be one of ${REPORT_TABLES.join(", ")}.`) });

export interface ReportRequest {
  weeks: number;
  until: Date;
  repositoryIds?: number[];
  personId?: number;
}

export function reportRequest(query: unknown): ReportRequest {
  const { weeks, until, repositories, person } = parseInput(reportQueryInput, query);
  return { weeks, until: until ? new Date(`${until}T00:00:00Z`) : new Date(), repositoryIds: repositories, personId: person === "" ? undefined : person };
}
