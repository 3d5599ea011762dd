import { z } from "zod";
import { OVERALL_STATES, type OverallState } from "../domain/repository-imports.js";
import { SERVICES } from "../storage/models/import-status.js";
import { HttpError } from "./http-error.js";

/** Request input schemas, shared by the pages (forms) and the JSON API, and described in the OpenAPI document. */

export const renameInput = z.object({ name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters") });
export const serviceParam = z.enum(SERVICES);
export const serviceToggleInput = z.object({ enabled: z.boolean() });
export const serviceToggleForm = z.object({ enabled: z.stringbool() });
export const repositoryFilterInput = z.object({
  q: z.string().max(200).optional(),
  state: z.union([z.enum(OVERALL_STATES as [OverallState, ...OverallState[]]), z.literal("")]).optional(),
});
export const tokenInput = z.object({ name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters") });
export const idParam = z.coerce.number().int().positive();
/** X-GitHub-Delivery: a GUID from GitHub, but the inbox stores whatever the header held, so any id can be retried. */
export const deliveryIdParam = z.string().min(1).max(200);

/** The parsed input, or a 400 naming every problem. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpError(400, parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; "));
}

export function repositoryFilter(query: unknown) {
  const { q, state } = parseInput(repositoryFilterInput, query);
  return { query: q, state: state || undefined };
}
