import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { WebhookEventName } from "@octokit/webhooks-types";

/**
 * Whether a stored delivery may reach the handlers: its payload is checked against GitHub's published webhook
 * schemas (`@octokit/webhooks-schemas`), relaxed so that only what Tributary relies on is enforced (see `relax`).
 */

/** The events src/webhooks handles. Others (including `member`, subscribed but unhandled) are acknowledged and ignored. */
const HANDLED_EVENTS: ReadonlySet<string> = new Set<WebhookEventName>([
  "installation",
  "installation_repositories",
  "installation_target",
  "github_app_authorization",
  "push",
  "create",
  "delete",
  "repository",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_review_thread",
  "issues",
  "issue_comment",
  "organization",
  "membership",
]);

/**
 * Every handler but this one reads `installation.id`, which the schemas require only of installation events. A user
 * revoking the app's authorization concerns no installation: GitHub sends it without one.
 */
const WITHOUT_INSTALLATION = "github_app_authorization";

/**
 * The only properties kept required where the schema requires them. The schemas require everything today's
 * github.com sends, so older payloads (GitHub Enterprise Server's, and github.com's own examples) lack some
 * (`web_commit_signoff_required`, `topics`, `reactions`, `requester`...). Kept: the objects an event is about, the
 * identity, number, state and times of every object, and what the handlers and record mappings read — all of which
 * GitHub has always sent.
 */
const DEPENDABLE: ReadonlySet<string> = new Set([
  // the envelope and the objects each event is about
  "action", "installation", "repository", "sender", "organization", "account",
  "pull_request", "issue", "review", "comment", "thread", "comments", "commits", "membership", "member",
  "repositories_added", "repositories_removed", "repository_selection",
  // identity, number, state and times
  "id", "number", "state", "created_at", "updated_at",
  // read by the record mappings
  "ref", "base", "head", "default_branch", "full_name", "name", "owner", "login", "message", "author", "committer",
]);

/** What the handlers of these actions alone read: other actions' `changes` go unread, so they may be missing. */
const READ_BY_ACTION: Record<string, string[]> = {
  installation_target$renamed: ["changes"],
  issues$transferred: ["changes", "new_issue", "new_repository"],
};

type Schema = { [keyword: string]: unknown };

/**
 * The schema as a real delivery must meet it. GitHub adds fields, enum values (`author_association`, states) and
 * actions faster than the schemas follow, so: extra properties are allowed (`additionalProperties: false` dropped);
 * enums and consts are dropped (each has a `type` beside it, which stays; the `action` enum is met by choosing
 * the definition named after the action); `oneOf` becomes `anyOf`, since relaxed alternatives (a user, a team) may both
 * match; `required` keeps only the names in `kept`. Formats are not checked (`validateFormats: false`): a git author's
 * email need not be an address. What is left: types, and the presence of what Tributary reads.
 */
function relax(node: unknown, kept: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => relax(item, kept));
  if (typeof node !== "object" || node === null) return node;
  const relaxed: Schema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === "enum" || keyword === "const" || (keyword === "additionalProperties" && value === false)) continue;
    // Property names are names, not keywords (a payload may have a field called `required`).
    if (keyword === "properties") relaxed.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, sub]) => [name, relax(sub, kept)]));
    else if (keyword === "required") relaxed.required = (value as string[]).filter((name) => kept.has(name));
    else if (keyword === "oneOf") relaxed.anyOf = relax(value, kept);
    else relaxed[keyword] = relax(value, kept);
  }
  return relaxed;
}

/** Every definition relaxed; the actions of the events handled also require `installation` (and so its `id`). */
function relaxedDefinitions(definitions: Record<string, unknown>): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(definitions).map(([name, definition]) => {
      const relaxed = relax(definition, new Set([...DEPENDABLE, ...(READ_BY_ACTION[name] ?? [])])) as Schema;
      const event = name.split("$", 1)[0]!;
      if (name.includes("$") && HANDLED_EVENTS.has(event) && event !== WITHOUT_INSTALLATION) {
        relaxed.required = [...new Set([...((relaxed.required as string[] | undefined) ?? []), "installation"])];
      }
      return [name, relaxed];
    }),
  );
}

interface Validation {
  ajv: Ajv;
  /** Names of the schema's definitions: `push$event`, `pull_request$opened`, `user`... */
  names: ReadonlySet<string>;
  compiled: Map<string, ValidateFunction>;
}

let loaded: Validation | undefined;

/** Relaxes and registers the whole schema once; each definition is compiled on first use (all at once takes seconds). */
function validation(): Validation {
  if (loaded) return loaded;
  const schema = createRequire(import.meta.url)("@octokit/webhooks-schemas") as { definitions: Record<string, unknown> };
  const definitions = relaxedDefinitions(schema.definitions);
  // The published schema is trusted as is (checking it against the meta-schema would double the start), and shared
  // definitions (user, repository, pull request) are compiled once rather than inlined into every action's code.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false, inlineRefs: false, logger: false });
  ajv.addSchema({ definitions }, "webhooks");
  loaded = { ajv, names: new Set(Object.keys(definitions)), compiled: new Map() };
  return loaded;
}

function validatorFor(name: string): ValidateFunction {
  const { ajv, compiled } = validation();
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.getSchema(`webhooks#/definitions/${name}`)!;
    compiled.set(name, validate);
  }
  return validate;
}

/**
 * Compiles the validators of every handled event ahead of its first delivery, one per turn of the event loop so
 * requests are answered meanwhile: compiled on first use instead, the first burst of deliveries waits for them.
 */
export async function prepareValidators(): Promise<void> {
  const handled = [...validation().names].filter((name) => name.includes("$") && HANDLED_EVENTS.has(name.split("$", 1)[0]!));
  for (const name of handled) {
    await new Promise((resolve) => setImmediate(resolve));
    validatorFor(name);
  }
}

/**
 * The definition a payload is checked against: `push$event` for events without actions, `pull_request$opened` for
 * a known action. Null for an action the schemas do not know: GitHub adds actions (`pull_request.enqueued` came
 * years after the event), and the handlers that take every action map payloads through functions that refuse a
 * record without its key fields (src/domain/required-fields.ts).
 */
function definitionOf(event: string, action: unknown): { name: string } | { reason: string } | null {
  const { names } = validation();
  if (names.has(`${event}$event`)) return { name: `${event}$event` };
  if (action === undefined) return { reason: "action is required" };
  if (typeof action !== "string") return { reason: "action must be string" };
  return names.has(`${event}$${action}`) ? { name: `${event}$${action}` } : null;
}

/** `/pull_request/labels/0/name` as `pull_request.labels[0].name`. */
function pathOf(pointer: string, property?: string): string {
  const segments = pointer.split("/").slice(1).map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (property !== undefined) segments.push(property);
  return segments.reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), "") || "payload";
}

const MAX_PROBLEMS = 5;

/**
 * Ajv's errors as "path problem" phrases, in the order met. An anyOf reports every alternative: the alternatives'
 * types at one path are merged ("must be object or null"), and a path's own problem is dropped when a deeper one
 * explains it (an object that is not null but has a field of the wrong type).
 */
function describe(errors: ErrorObject[]): string {
  const found = new Map<string, { types: Set<string>; problems: Set<string> }>();
  const at = (path: string) => found.get(path) ?? found.set(path, { types: new Set(), problems: new Set() }).get(path)!;
  for (const error of errors) {
    if (error.keyword === "anyOf") continue;
    if (error.keyword === "required") at(pathOf(error.instancePath, String(error.params.missingProperty))).problems.add("is required");
    else if (error.keyword === "type") at(pathOf(error.instancePath)).types.add(String(error.params.type).replaceAll(",", " or "));
    else at(pathOf(error.instancePath)).problems.add(error.message ?? error.keyword);
  }
  const paths = [...found.keys()];
  const explained = (path: string) => paths.some((other) => other.startsWith(`${path}.`) || other.startsWith(`${path}[`));
  const phrases = paths
    .filter((path) => !explained(path))
    .map((path) => {
      const { types, problems } = found.get(path)!;
      return `${path} ${[...problems, ...(types.size > 0 ? [`must be ${[...types].join(" or ")}`] : [])].join(", ")}`;
    });
  const more = phrases.length > MAX_PROBLEMS ? `; and ${phrases.length - MAX_PROBLEMS} more` : "";
  return phrases.slice(0, MAX_PROBLEMS).join("; ") + more;
}

/**
 * Null when a delivery of `event` with this payload may be handled (events Tributary does not handle always may),
 * else a short reason naming the offending paths, e.g. "pull_request.number must be integer; installation is required".
 */
export function validateWebhookPayload(event: string, payload: unknown): string | null {
  if (!HANDLED_EVENTS.has(event)) return null;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return "payload must be object";
  const definition = definitionOf(event, (payload as { action?: unknown }).action);
  if (definition === null || "reason" in definition) return definition?.reason ?? null;
  const validate = validatorFor(definition.name);
  return validate(payload) ? null : describe(validate.errors ?? []);
}
