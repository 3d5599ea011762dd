import { createSign, generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import nock from "nock";
import { startGitHubServer, type GitHubServer, type GitHubServerOptions } from "../../../tools/github-server/index.js";

export const APP_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/** The server is real HTTP on loopback; nock (active for every test file) must let it through. */
export function allowLoopback(): void {
  // The app's own address for people is localhost (its sign-in cookies belong to that host).
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
}

/** A small organization with every interesting shape; the app key is configured so JWTs are verified. */
export function startSmallServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  return startGitHubServer({
    ...options,
    org: { repos: 3, pulls: 40, issues: 24, commits: 60, members: 8, ...options.org },
    app: { key: APP_KEY, ...options.app },
  });
}

export function appJwt(claims: { iss?: unknown; iat?: number; exp?: number } = {}, key: string = APP_KEY): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iat: now - 30, exp: now + 540, iss: 1, ...claims })}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(key, "base64url")}`;
}

export interface Answer<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * One HTTP request with node:http, redirects not followed. Not fetch: nock's fetch interception consumes a
 * request body before passing the request through, so POSTs with a body fail ("unusable") while nock is active.
 */
function send(url: string, method: string, headers: Record<string, string>, payload: string | undefined): Promise<RawAnswer> {
  const withLength = payload === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(payload)) };
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: withLength }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const flat = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)]));
        resolve({ status: response.statusCode ?? 0, headers: flat, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}

export async function call<T = any>(url: string, init: { method?: string; token?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer<T>> {
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  const headers: Record<string, string> = {
    ...(init.token && { authorization: `Bearer ${init.token}` }),
    ...(payload !== undefined && { "content-type": "application/json" }),
    ...init.headers,
  };
  const answer = await send(url, init.method ?? "GET", headers, payload);
  let body: unknown = answer.text;
  try {
    body = answer.text ? JSON.parse(answer.text) : null;
  } catch {
    // Not JSON (an HTML page, a form-encoded answer): keep the text.
  }
  return { status: answer.status, headers: answer.headers, body: body as T };
}

/** A fetch for Octokit (`request: { fetch }`) that goes through node:http, for the reason given on `send`. */
export const loopbackFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  const payload = typeof init.body === "string" ? init.body : undefined;
  const url = String(input instanceof Request ? input.url : input);
  const answer = await send(url, init.method ?? "GET", headers, payload);
  const empty = answer.status === 204 || answer.status === 304;
  const response = new Response(empty ? null : answer.text, { status: answer.status, headers: answer.headers });
  // Octokit reads the final URL (pagination); a constructed Response has none.
  return Object.defineProperty(response, "url", { value: url });
};

export async function installationToken(server: GitHubServer, installationId = server.installation()!.id): Promise<string> {
  const answer = await call<{ token: string }>(`${server.apiUrl}/app/installations/${installationId}/access_tokens`, { method: "POST", token: appJwt() });
  if (answer.status !== 201) throw new Error(`token: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.token;
}

export async function graphql<T = any>(server: GitHubServer, token: string, query: string, variables: Record<string, unknown> = {}) {
  return call<{ data?: T; errors?: Array<{ type?: string; message: string }> }>(server.graphqlUrl, { method: "POST", token, body: { query, variables } });
}

/** Every page of a REST list, following `Link: rel="next"` like Octokit's paginate. */
export async function allPages<T>(url: string, token: string, pick: (body: any) => T[] = (body) => body): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const answer: Answer = await call(next, { token });
    if (answer.status !== 200) throw new Error(`${next}: ${answer.status} ${JSON.stringify(answer.body)}`);
    items.push(...pick(answer.body));
    pages += 1;
    next = /<([^>]+)>;\s*rel="next"/.exec(answer.headers.link ?? "")?.[1];
  }
  return { items, pages };
}

// ---- GitHub's OpenAPI description ------------------------------------------------------------------------

type OpenApi = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };

let openapi: { spec: OpenApi; ajv: Ajv } | undefined;
const validators = new Map<string, ValidateFunction>();

/** The response schema GitHub publishes for an endpoint (`GET /repos/{owner}/{repo}`), compiled once. */
export function specValidator(method: string, template: string, status: number): ValidateFunction {
  const key = `${method} ${template} ${status}`;
  let validate = validators.get(key);
  if (validate) return validate;
  if (!openapi) {
    const path = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
    const spec = withJsonSchemaNulls(JSON.parse(readFileSync(path, "utf8"))) as OpenApi;
    // OpenAPI 3.0 (`nullable`), vendor keywords and `example`s: not strict, but every declared constraint is checked.
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats.default(ajv);
    ajv.addSchema(spec as object, "openapi");
    openapi = { spec, ajv };
  }
  const schema = openapi.spec.paths[template]?.[method.toLowerCase()]?.responses[String(status)]?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`No ${status} JSON response in GitHub's OpenAPI description for ${method} ${template}`);
  validate = openapi.ajv.compile({ ...rewriteRefs(schema) });
  validators.set(key, validate);
  return validate;
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema: `null` added to the type (or as an alternative). */
function withJsonSchemaNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withJsonSchemaNulls);
  if (typeof node !== "object" || node === null) return node;
  const { nullable, ...rest } = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withJsonSchemaNulls(value)])) as Record<string, unknown>;
  // The inlined installation `account` says allOf [Simple User, Enterprise] (an account would need to be both);
  // the `installation` component it was inlined from says anyOf, which is what GitHub sends.
  const titles = Array.isArray(rest.allOf) ? rest.allOf.map((member: { title?: string }) => member.title) : [];
  if (titles.includes("Simple User") && titles.includes("Enterprise")) {
    rest.anyOf = rest.allOf;
    delete rest.allOf;
  }
  if (nullable !== true) return rest;
  if (typeof rest.type === "string") {
    return { ...rest, type: [rest.type, "null"], ...(Array.isArray(rest.enum) && { enum: [...rest.enum, null] }) };
  }
  return { anyOf: [rest, { type: "null" }] };
}

/** Points local refs (`#/components/...`) at the spec registered as "openapi". */
function rewriteRefs(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"openapi#/'));
}

export function specErrors(method: string, template: string, status: number, body: unknown): string[] {
  const validate = specValidator(method, template, status);
  return validate(body) ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
