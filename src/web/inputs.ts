import { z } from "zod";
import { ACTIVITY_KINDS, type ActivityKind } from "../domain/activity.js";
import { OVERALL_STATES } from "../domain/repository-imports.js";
import { API_TOKEN_SCOPES } from "../storage/models/api-token.js";
import { SERVICES } from "../storage/models/import-status.js";
import { InvalidInput } from "./http-error.js";

/**
 * Request input schemas, shared by the pages (forms) and the JSON API, and described in the OpenAPI document. Every
 * check carries the sentence a person reads next to the field (or an API client in the error's `problems`).
 */

/** A JSON API body, or a form, holding these fields. */
const fields = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape, { error: "The request body must be a JSON object." });
/** "a, b or c" */
const either = (values: readonly unknown[]) => `${values.slice(0, -1).join(", ")} or ${String(values.at(-1))}`;
const oneOf = (subject: string, values: readonly string[]) => ({ error: `The ${subject} must be one of ${either(values)}.` });

const name = z
  .string({ error: "The name must not be empty." })
  .trim()
  .min(1, "The name must not be empty.")
  .max(100, "The name must be at most 100 characters.");

export const renameInput = fields({ name });
export const serviceParam = z.enum(SERVICES, oneOf("service", SERVICES));
const enabledError = { error: "“enabled” must be true or false." };
export const serviceToggleInput = fields({ enabled: z.boolean(enabledError) });
export const serviceToggleForm = fields({ enabled: z.stringbool(enabledError) });
export const repositoryFilterInput = z.object({
  q: z.string({ error: "Give the search text once." }).max(200, "The search text must be at most 200 characters.").optional(),
  state: z.literal(["", ...OVERALL_STATES], oneOf("import status", OVERALL_STATES)).optional(),
  page: z.coerce.number({ error: "The page must be a whole number from 1." }).int("The page must be a whole number from 1.").min(1, "The page must be a whole number from 1.").optional(),
});
export const activityFilterInput = z.object({ kind: z.literal(["", ...ACTIVITY_KINDS], oneOf("kind of activity", ACTIVITY_KINDS)).optional() });

/** How long a new API token may live; `null` (the API's default) is until deleted. */
export const TOKEN_LIFETIMES_DAYS = [7, 30, 90] as const;
const lifetimeError = { error: `The expiry must be ${either(TOKEN_LIFETIMES_DAYS)} days, or never.` };
const scope = z.enum(API_TOKEN_SCOPES, oneOf("scope", API_TOKEN_SCOPES)).default("full");
export const tokenInput = fields({ name, expiresInDays: z.literal(TOKEN_LIFETIMES_DAYS, lifetimeError).nullable().default(null), scope });
export const tokenForm = fields({
  name,
  expiresInDays: z
    .literal(["never", ...TOKEN_LIFETIMES_DAYS.map(String)], lifetimeError)
    .transform((days) => (days === "never" ? null : Number(days))),
  scope,
});

const positiveId = "The id in the address must be a positive whole number.";
export const idParam = z.coerce.number({ error: positiveId }).int(positiveId).positive(positiveId);
/** X-GitHub-Delivery: a GUID from GitHub, but the inbox stores whatever the header held, so any id can be retried. */
export const deliveryIdParam = z.string().min(1).max(200, "The delivery id must be at most 200 characters.");

/** The parsed input, or a 400 (`InvalidInput`) naming every problem. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join("."), issue.message])));
}

/** A form posted back with problems: what was typed, to show again, and the problem of each field. */
export interface FormProblems {
  values: Record<string, string>;
  problems: Readonly<Record<string, string>>;
}

/** A form's input, or what to show the person again when it does not fit. */
export function parseForm<T extends z.ZodType>(schema: T, body: unknown): { input: z.infer<T>; invalid?: never } | { input?: never; invalid: FormProblems } {
  try {
    return { input: parseInput(schema, body) };
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    const values = Object.entries((body ?? {}) as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === "string");
    return { invalid: { values: Object.fromEntries(values), problems: error.problems } };
  }
}

/** The repositories a page shows, as its live progress asks for them: ids separated by commas, at most a page's worth. */
export const repositoryIdsInput = z
  .string({ error: "Give the repository ids once, separated by commas." })
  .regex(/^\d{1,15}(,\d{1,15}){0,99}$/, "Give at most 100 repository ids, separated by commas.")
  .transform((ids) => ids.split(",").map(Number));

export function repositoryFilter(query: unknown) {
  const { q, state, page } = parseInput(repositoryFilterInput, query);
  return { query: q, state: state || undefined, page: page ?? 1 };
}

export function activityFilter(query: unknown): ActivityKind {
  return parseInput(activityFilterInput, query).kind || "all";
}
