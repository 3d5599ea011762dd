import { z } from "zod";
import { renameInput, serviceToggleInput, tokenInput } from "./inputs.js";
import { ACTIVITY_KINDS } from "../domain/activity.js";
import { OVERALL_STATES, REPOSITORIES_PER_PAGE } from "../domain/repository-imports.js";
import { IMPORT_MODES, IMPORT_STATES } from "../storage/models/import-status.js";
import { AUDIT_REPOSITORIES_LISTED, AUDIT_TRAIL_LENGTH } from "../storage/integrations.js";
import { DELIVERY_STATES } from "../storage/models/delivery.js";
import { API_TOKEN_SCOPES } from "../storage/models/api-token.js";
import { DATA_KINDS, RECORD_TYPES } from "../storage/data-kinds.js";
import { DATA_PAGE_LIMIT } from "./data-api.js";
import { SERVICES } from "../storage/models/import-status.js";
import { REPORT_TABLES } from "../reports/csv.js";
import { reportQueryInput } from "./report-inputs.js";

const json = (schema: object) => ({ content: { "application/json": { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: z.ZodType) => ({ required: true, ...json(z.toJSONSchema(schema, { io: "input" })) });
const ok = (description: string, schema: object) => ({ description, ...json(schema) });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));
const pathParam = (name: string, schema: object, description: string) => ({ name, in: "path", required: true, schema, description });

const installationId = pathParam("installationId", { type: "integer" }, "The GitHub installation id of the integration");
const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input: `message` says what is wrong, `problems` says it per field",
  401: "Not signed in, an unknown or expired API token (the message says which), or the GitHub authorization expired",
  403: "Missing CSRF token (session requests), only admins may do this, or a data-only API token called anything but the data API",
  404: "No such integration among those you can access",
  409: "The integration is not active",
  413: "The body is larger than 64 KB",
  415: "The body is not JSON: send it with `Content-Type: application/json`",
};

/** The OpenAPI 3.1 description of `/api`, served at `/api/openapi.json`; a test keeps it in step with the routes. */
export function openApiDocument(publicUrl: string) {
  const read = errors(401, 404);
  const change = errors(400, 401, 403, 404);
  const sent = errors(413, 415);
  return {
    openapi: "3.1.0",
    info: {
      title: "Tributary API",
      version: "1.0.0",
      description:
        "Manage Tributary integrations. Authenticate with `Authorization: Bearer <token>` (create tokens under API tokens in the web UI), " +
        "or with the web session cookie plus an `X-CSRF-Token` header on state-changing requests. You see the integrations of the " +
        "installations your GitHub account can access; only organization owners may change them.",
    },
    servers: [{ url: `${publicUrl}/api` }],
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      "/openapi.json": { get: { summary: "This document", security: [], responses: { "200": ok("OpenAPI document", { type: "object" }) } } },
      "/me": { get: { summary: "The authenticated person", responses: { "200": ok("You", ref("Me")), ...errors(401) } } },
      "/integrations": {
        get: { summary: "Integrations you can access", responses: { "200": ok("Integrations", { type: "object", properties: { integrations: { type: "array", items: ref("Integration") } } }), ...errors(401) } },
      },
      "/integrations/{installationId}": {
        parameters: [installationId],
        get: { summary: "One integration", responses: { "200": ok("The integration", ref("Integration")), ...read } },
        patch: { summary: "Rename the integration (admins)", requestBody: body(renameInput), responses: { "200": ok("The renamed integration", ref("Integration")), ...change, ...sent } },
      },
      "/integrations/{installationId}/services/{service}": {
        parameters: [installationId, pathParam("service", { type: "string", enum: SERVICES }, "The service to switch")],
        put: {
          summary: "Switch a service on (backfills it at once) or off (stops its imports) (admins)",
          requestBody: body(serviceToggleInput),
          responses: { "200": ok("The service's new state", { type: "object", properties: { service: { type: "string" }, enabled: { type: "boolean" } } }), ...change, ...sent },
        },
      },
      "/integrations/{installationId}/repositories": {
        parameters: [installationId],
        get: {
          summary: "Granted repositories with their import status, grouped by owner",
          parameters: [
            { name: "q", in: "query", schema: { type: "string" }, description: "Part of the repository's full name" },
            { name: "state", in: "query", schema: { type: "string", enum: OVERALL_STATES }, description: "Only repositories in this import state" },
            { name: "page", in: "query", schema: { type: "integer", minimum: 1 }, description: `Page of ${REPOSITORIES_PER_PAGE} repositories, in name order (default 1)` },
          ],
          responses: { "200": ok("Counts by state, overall progress, and one page of the matching repositories", ref("RepositoryReport")), ...errors(400, 401, 404) },
        },
      },
      "/integrations/{installationId}/repositories/{repositoryId}/import": {
        parameters: [installationId, pathParam("repositoryId", { type: "integer" }, "The GitHub repository id")],
        post: {
          summary: "(Re)import one repository for every enabled service (admins)",
          responses: { "202": ok("Imports queued", { type: "object", properties: { queued: { type: "integer" } } }), ...change, ...errors(409) },
        },
      },
      "/integrations/{installationId}/connection-test": {
        parameters: [installationId],
        post: {
          summary: "Test the connection: installation token, accessible repositories, permissions, rate limit",
          responses: { "200": ok("The result; `message` is \"Successfully connected to <account>\" or the exact problem", ref("ConnectionReport")), ...errors(401, 403, 404) },
        },
      },
      "/integrations/{installationId}/troubleshooting": {
        parameters: [installationId],
        get: { summary: "Detected problems, each with its fix and a link to where on GitHub it is made", responses: { "200": ok("Problems", { type: "object", properties: { problems: { type: "array", items: ref("Problem") } } }), ...read } },
      },
      "/integrations/{installationId}/activity": {
        parameters: [installationId],
        get: {
          summary: "Audit trail, and webhook deliveries: the latest in every state and every dead one; each entry with its sentence",
          parameters: [
            {
              name: "kind",
              in: "query",
              schema: { type: "string", enum: ACTIVITY_KINDS },
              description: "people: changes made in Tributary, no deliveries; github: what GitHub reported or reconciliation found, and deliveries; failed: retrying and dead deliveries only",
            },
          ],
          responses: { "200": ok("Activity", ref("Activity")), ...errors(400, 401, 404) },
        },
      },
      "/integrations/{installationId}/deliveries/{deliveryId}/retry": {
        parameters: [installationId, pathParam("deliveryId", { type: "string" }, "The delivery's X-GitHub-Delivery id")],
        post: {
          summary: "Retry a dead delivery: it is processed again from its stored body, with fresh attempts (admins)",
          responses: {
            "202": ok("Queued again; the inbox processor takes it up within seconds", {
              type: "object",
              properties: { deliveryId: { type: "string" }, state: { const: "received" } },
            }),
            ...change,
            "404": { description: "No such integration, or no dead delivery with this id in it: only dead deliveries can be retried", ...json(ref("Error")) },
          },
        },
      },
      "/integrations/{installationId}/data/{kind}": {
        parameters: [installationId, pathParam("kind", { type: "string", enum: DATA_KINDS }, "The kind of record")],
        get: {
          summary:
            "The integration's records of one kind, page by page in the order their changes became visible (data-only tokens too). Follow `nextCursor` while `hasMore`; " +
            "keep the last `nextCursor` and ask again later for what changed since. A record changed while you page comes again, after your cursor, as its new version; " +
            "none is skipped, and no version comes twice. A page may hold fewer records than `limit`, even none, while `hasMore` is true",
          parameters: [
            { name: "cursor", in: "query", schema: { type: "string" }, description: "The `nextCursor` of the previous page, as it was" },
            {
              name: "updated_since",
              in: "query",
              schema: { type: "string", format: "date-time" },
              description: "Start a listing at the records changed since this time (none is missed; some changed earlier may come too); not with `cursor`. Without either: from the beginning",
            },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: DATA_PAGE_LIMIT.max, default: DATA_PAGE_LIMIT.default }, description: "Positions a page covers, so records at most" },
          ],
          responses: { "200": ok("One page", ref("DataPage")), ...errors(400, 401, 403, 404) },
        },
      },
      "/integrations/{installationId}/export": {
        parameters: [installationId],
        get: {
          summary:
            "Every record of the integration as NDJSON, streamed (data-only tokens too). The first line, `{\"type\":\"cursors\",\"cursors\":{kind: cursor}}`, holds a cursor per kind " +
            "from which the data API brings every change the export missed or that happened during it; each other line is `{\"type\": …, \"record\": {…}}`",
          responses: {
            "200": {
              description: `NDJSON lines; types: cursors, ${Object.values(RECORD_TYPES).join(", ")}`,
              content: { "application/x-ndjson": { schema: { type: "object", properties: { type: { enum: ["cursors", ...Object.values(RECORD_TYPES)] }, record: { type: "object" }, cursors: { type: "object" } } } } },
            },
            ...errors(401, 403, 404),
          },
        },
      },
      "/integrations/{installationId}/reports": {
        parameters: [installationId],
        get: {
          summary:
            "Reports per week (weeks start Monday, UTC), from weekly rollups: cycle time (coding, pickup, review; median and p75, milliseconds), throughput, review coverage, " +
            "pull request size, tickets. People by GitHub id; bots apart (`…ByBots`, `bot`); pull requests whose commits GitHub cut at 250 listed in `cappedCommitLists`",
          parameters: reportParameters(),
          responses: { "200": ok("The report", { type: "object", properties: Object.fromEntries(REPORT_FIELDS.map((field) => [field, { type: ["array", "object", "integer", "null"] }])) }), ...errors(400, 401, 404) },
        },
      },
      "/integrations/{installationId}/reports.csv": {
        parameters: [installationId],
        get: {
          summary: "One table of the report as CSV (durations in hours)",
          parameters: [{ name: "table", in: "query", required: true, schema: { type: "string", enum: REPORT_TABLES }, description: "Which table" }, ...reportParameters()],
          responses: { "200": { description: "CSV with a header row", content: { "text/csv": { schema: { type: "string" } } } }, ...errors(400, 401, 404) },
        },
      },
      "/tokens": {
        get: { summary: "Your API tokens (without their secret)", responses: { "200": ok("Tokens", { type: "object", properties: { tokens: { type: "array", items: ref("ApiToken") } } }), ...errors(401) } },
        post: {
          summary: "Create an API token, lasting `expiresInDays` (7, 30 or 90; omitted or null: until deleted), of `scope` full (the default) or data:read (the data API only); the token is in this response only",
          requestBody: body(tokenInput),
          responses: { "201": ok("The new token", { allOf: [ref("ApiToken"), { type: "object", properties: { token: { type: "string" } } }] }), ...errors(400, 401, 403), ...sent },
        },
      },
      "/tokens/{tokenId}": {
        parameters: [pathParam("tokenId", { type: "string" }, "The token's id")],
        delete: { summary: "Delete one of your API tokens", responses: { "204": { description: "Deleted" }, ...errors(401, 403, 404) } },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A personal API token (trb_…)" },
        session: { type: "apiKey", in: "cookie", name: "tributary_session", description: "The web UI's session; send X-CSRF-Token on changes" },
      },
      responses: Object.fromEntries(
        Object.entries(ERROR_TEXT).map(([status, description]) => [`Error${status}`, { description, ...json(ref("Error")) }]),
      ),
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["message"],
              properties: {
                message: { type: "string", description: "What is wrong, in plain sentences" },
                problems: {
                  type: "object",
                  additionalProperties: { type: "string" },
                  description: "Invalid input only: the problem with each field, by its name (\"\" for a path parameter)",
                },
              },
            },
          },
        },
        Me: { type: "object", properties: { id: { type: "integer" }, login: { type: "string" }, avatarUrl: { type: ["string", "null"] }, via: { enum: ["session", "token"] } } },
        Integration: {
          type: "object",
          properties: {
            installationId: { type: "integer" },
            name: { type: "string" },
            account: { type: "object", properties: { login: { type: "string" }, type: { type: "string" }, avatarUrl: { type: ["string", "null"] } } },
            status: { enum: ["active", "suspended", "uninstalled"] },
            services: { type: "object", properties: Object.fromEntries(SERVICES.map((service) => [service, { type: "boolean" }])) },
            repositorySelection: { enum: ["all", "selected"] },
            repositoryCount: { type: "integer" },
            lastSyncedAt: { type: ["string", "null"], format: "date-time" },
            problemCount: { type: "integer" },
            role: { enum: ["admin", "member"], description: "Your role: admins may change the integration" },
          },
        },
        RepositoryReport: {
          type: "object",
          properties: {
            counts: { type: "object", additionalProperties: { type: "integer" }, description: "Repositories matching the search, by state (before the state filter)" },
            total: { type: "integer", description: "Repositories matching the search and the state filter" },
            page: { type: "integer" },
            pageCount: { type: "integer" },
            perPage: { type: "integer" },
            overall: {
              type: ["object", "null"],
              description: "The integration's full imports summed, while any is under way (incremental syncs are not counted)",
              properties: {
                processed: { type: "integer" },
                total: { type: "integer", description: "Grows as repositories start and GitHub reports their size" },
                remainingImports: { type: "integer", description: "Repository imports (per service) still queued or importing" },
                estimatedEnd: { type: ["string", "null"], format: "date-time" },
              },
            },
            groups: { type: "array", items: { type: "object", properties: { owner: { type: "string" }, repositories: { type: "array", items: ref("RepositoryImport") } } } },
          },
        },
        RepositoryImport: {
          type: "object",
          properties: {
            githubId: { type: "integer" },
            fullName: { type: "string" },
            state: { enum: OVERALL_STATES },
            services: { type: "object", description: "Per enabled service (repos, pullRequests, tickets)", additionalProperties: ref("ServiceImport") },
            errors: { type: "array", items: { type: "string" } },
            stored: {
              type: "object",
              description: "Records stored for the repository, per kind (kept as records are written, re-counted when a run ends)",
              properties: { commits: { type: "integer" }, pullRequests: { type: "integer" }, reviews: { type: "integer" }, tickets: { type: "integer" } },
            },
          },
        },
        ServiceImport: {
          type: "object",
          properties: {
            state: { enum: IMPORT_STATES },
            mode: { enum: IMPORT_MODES, description: "full: the whole history; incremental: what changed since lastSyncedAt" },
            processed: { type: "integer", description: "Items the current (or last) run read: of expectedTotal in a full import, the changes an incremental sync found" },
            expectedTotal: { type: ["integer", "null"], description: "Items GitHub reports, during a full import; null for an incremental sync" },
            error: { type: ["string", "null"] },
            lastSyncedAt: { type: ["string", "null"], format: "date-time" },
            activity: {
              type: "object",
              description:
                "What the import is doing: not_started, queued (startsAt), waiting (until, reason: GitHub's rate limit or a retry after an error), stalled (resumesAt: its worker stopped, the claim lapses then), importing (processed, expectedTotal), syncing (processed), done (mode, processed), failed (error), stopped",
              properties: { kind: { enum: ["not_started", "queued", "waiting", "stalled", "importing", "syncing", "done", "failed", "stopped"] } },
              required: ["kind"],
            },
          },
        },
        ConnectionReport: {
          type: "object",
          properties: {
            ok: { type: "boolean" },
            reachable: { type: "boolean" },
            message: { type: "string" },
            checkedAt: { type: "string", format: "date-time" },
            repositories: { type: "array", items: { type: "string" } },
            missingPermissions: { type: "array", items: { type: "string" } },
            rateLimit: { type: ["object", "null"], properties: { limit: { type: "integer" }, remaining: { type: "integer" }, resetAt: { type: "string", format: "date-time" } } },
            failedDeliveries: {
              type: "object",
              properties: {
                github: { type: ["integer", "null"], description: "Recent deliveries GitHub could not make (every attempt failed); Tributary asks for them again. Null when GitHub did not say" },
                dead: { type: "integer", description: "Deliveries in Tributary's inbox that failed on every processing attempt; owners retry them from Activity" },
              },
            },
          },
        },
        Problem: {
          type: "object",
          properties: {
            code: { type: "string" },
            title: { type: "string" },
            detail: { type: "string" },
            fix: { type: "string" },
            link: { type: "object", properties: { href: { type: "string" }, label: { type: "string" } } },
          },
        },
        Activity: {
          type: "object",
          properties: {
            kind: { enum: ACTIVITY_KINDS, description: "The kind of activity listed" },
            audit: { type: "array", items: ref("AuditEntry"), description: `Newest first; the latest ${AUDIT_TRAIL_LENGTH} are kept` },
            deadCount: { type: "integer", description: "Dead deliveries of the integration, all of them" },
            deliveries: { type: "array", items: ref("Delivery"), description: "The latest deliveries in every state and every dead one, newest first" },
          },
        },
        AuditEntry: {
          type: "object",
          properties: {
            action: { type: "string", description: "web.* for changes made in Tributary, reconcile.* for what reconciliation found, event.action of GitHub's webhook otherwise" },
            origin: { enum: ["person", "github", "reconciliation"] },
            actor: { type: ["object", "null"], properties: { id: { type: "integer" }, login: { type: "string" } }, description: "Who did it; null for what reconciliation found" },
            at: { type: "string", format: "date-time" },
            deliveryId: { type: ["string", "null"], description: "The webhook delivery that caused it" },
            repositories: {
              type: "array",
              items: { type: "object", properties: { id: { type: "integer" }, fullName: { type: "string" }, granted: { type: "boolean", description: "Whether the installation grants it now" } } },
              description: `The repositories it concerned (the first ${AUDIT_REPOSITORIES_LISTED}), by their current name`,
            },
            repositoryCount: { type: "integer", description: "How many repositories it concerned in all" },
            renamed: { type: ["object", "null"], properties: { from: { type: "string" }, to: { type: "string" } }, description: "A rename of the integration or of the account" },
            service: { type: ["object", "null"], properties: { name: { enum: SERVICES }, enabled: { type: "boolean" } }, description: "A service switched on or off" },
            retriedDelivery: {
              type: ["object", "null"],
              properties: { id: { type: "string" }, event: { type: ["string", "null"] }, action: { type: ["string", "null"] } },
              description: "The dead delivery a person retried",
            },
            sentence: { type: "string", description: "What happened, in words: \"mona turned Tickets off\"" },
          },
        },
        Delivery: {
          type: "object",
          properties: {
            deliveryId: { type: "string", description: "X-GitHub-Delivery" },
            event: { type: "string" },
            action: { type: ["string", "null"] },
            state: { enum: DELIVERY_STATES, description: "received → processing → processed, or → retrying → … → dead after the last attempt" },
            repository: {
              type: ["object", "null"],
              properties: {
                id: { type: "integer" },
                fullName: { type: ["string", "null"], description: "Null for a repository Tributary has not stored" },
                granted: { type: "boolean", description: "Whether the installation grants it now" },
              },
            },
            receivedAt: { type: "string", format: "date-time" },
            attempts: { type: "integer" },
            nextAttemptAt: { type: ["string", "null"], format: "date-time", description: "Set while retrying" },
            finishedAt: { type: ["string", "null"], format: "date-time", description: "When it was processed, or given up on" },
            reason: { type: ["string", "null"], description: "Why the last attempt failed, for retrying and dead deliveries" },
            sentence: { type: "string", description: "What happened, in words: \"GitHub: pull request opened on acme/widgets — processed\"" },
          },
        },
        ApiToken: {
          type: "object",
          properties: {
            id: { type: "string" },
            name: { type: "string" },
            prefix: { type: "string" },
            createdAt: { type: "string", format: "date-time" },
            lastUsedAt: { type: ["string", "null"], format: "date-time", description: "To the minute" },
            expiresAt: { type: ["string", "null"], format: "date-time", description: "Refused from then on (401); null: until deleted" },
            scope: { enum: API_TOKEN_SCOPES, description: "full: whatever you may do; data:read: the data API and export only (403 elsewhere)" },
          },
        },
        DataPage: {
          type: "object",
          properties: {
            records: { type: "array", items: { type: "object" }, description: "The records as stored, in the order their changes became visible" },
            nextCursor: { type: "string", description: "Where the next page starts; keep the last one to ask for later changes" },
            hasMore: { type: "boolean", description: "More records are there now (or are being readied): ask again with nextCursor" },
          },
        },
      },
    },
  };
}

const REPORT_FIELDS = ["weeks", "cycleTime", "throughput", "review", "reviewers", "unreviewedMerges", "size", "tickets", "cappedCommitLists", "period", "repositories", "personId"];

/** The report's query parameters, from the schema the routes parse them with. */
function reportParameters() {
  const { properties } = z.toJSONSchema(reportQueryInput, { io: "input" }) as { properties: Record<string, object> };
  const described: Record<string, string> = {
    weeks: "How many weeks, ending with the current one (or `until`'s)",
    until: "A day in the last week shown (default: today)",
    repositories: "Repository ids, separated by commas (default: every granted repository)",
    person: "Only this person's work: a GitHub user id",
  };
  return Object.entries(described).map(([name, description]) => ({ name, in: "query", schema: properties[name], description }));
}
