import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { GitHubServerOptions } from "./options.js";
import { startGitHubServer } from "./server.js";

const USAGE = `Usage: npm run github-server -- [options]

A local GitHub-compatible server (GitHub Enterprise layout) serving a generated organization.
Point the app at it with GHE_HOST=127.0.0.1:<port> GHE_PROTOCOL=http.

Organization
  --org <login>             organization login (acme)
  --seed <seed>             generator seed (1)
  --repos <n>               repositories (5)
  --pulls <n>               pull requests, in total (200)
  --issues <n>              issues, in total (100)
  --commits <n>             default-branch commits, in total (400)
  --members <n>             organization members (20)
App
  --app-id <id>             App ID (1)
  --app-key <path>          the app's PEM key: JWTs are then verified (otherwise any well-formed JWT for the app id passes)
  --client-id <id> / --client-secret <secret>
  --webhook-url <url>       where webhooks go (e.g. http://127.0.0.1:3000/api/github/webhooks)
  --webhook-secret <secret> (development)
  --not-installed           start without the installation (then POST /_control/install)
  --signed-in-user <login>  OAuth authorize signs this user in without asking
Pressure (off or generous by default)
  --rate-limit <n>          primary limit per installation, REST requests and GraphQL points per window (5000)
  --rate-window <seconds>   primary limit window (3600)
  --max-concurrent <n>      secondary limit: concurrent requests per caller
  --points-per-minute <n>   secondary limit: points per minute per caller
  --secondary-status <403|429>
  --node-budget <n>         GraphQL queries asking for more nodes answer 502 (GitHub's timeout), after --timeout-delay ms
  --timeout-delay <ms>      (200)
  --count-only-connections <per-parent|free>
                            how a connection selecting only totalCount is charged (GitHub does not document it):
                            one request per parent like any connection (per-parent, the default), or nothing
  --latency <ms> / --jitter <ms>
  --error-rate <0..1> / --reset-rate <0..1>
Server
  --host <host> (127.0.0.1)  --port <port> (3001; 0 = any free port)
`;

const { values } = parseArgs({
  options: {
    help: { type: "boolean" },
    org: { type: "string" },
    seed: { type: "string" },
    repos: { type: "string" },
    pulls: { type: "string" },
    issues: { type: "string" },
    commits: { type: "string" },
    members: { type: "string" },
    "app-id": { type: "string" },
    "app-key": { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    "webhook-url": { type: "string" },
    "webhook-secret": { type: "string" },
    "not-installed": { type: "boolean" },
    "signed-in-user": { type: "string" },
    "rate-limit": { type: "string" },
    "rate-window": { type: "string" },
    "max-concurrent": { type: "string" },
    "points-per-minute": { type: "string" },
    "secondary-status": { type: "string" },
    "node-budget": { type: "string" },
    "timeout-delay": { type: "string" },
    "count-only-connections": { type: "string" },
    latency: { type: "string" },
    jitter: { type: "string" },
    "error-rate": { type: "string" },
    "reset-rate": { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function number(flag: keyof typeof values): number | undefined {
  const raw = values[flag];
  if (raw === undefined || typeof raw === "boolean") return undefined;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed)) {
    process.stderr.write(`--${flag} must be a number, got "${raw}"\n\n${USAGE}`);
    process.exit(2);
  }
  return parsed;
}

/** Keeps only the keys that were given, so unset flags fall back to the server's defaults. */
const given = <T extends object>(object: T): Partial<T> =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;

const countOnly = values["count-only-connections"];
if (countOnly !== undefined && countOnly !== "per-parent" && countOnly !== "free") {
  process.stderr.write(`--count-only-connections must be per-parent or free, got "${countOnly}"\n\n${USAGE}`);
  process.exit(2);
}

const rateLimit = number("rate-limit");
const rateWindow = number("rate-window");
const status = number("secondary-status");
const options: GitHubServerOptions = {
  host: values.host ?? "127.0.0.1",
  port: number("port") ?? 3001,
  org: given({ login: values.org, seed: values.seed, repos: number("repos"), pulls: number("pulls"), issues: number("issues"), commits: number("commits"), members: number("members") }),
  app: given({
    id: number("app-id"),
    key: values["app-key"] === undefined ? undefined : readFileSync(values["app-key"], "utf8"),
    clientId: values["client-id"],
    clientSecret: values["client-secret"],
    webhookUrl: values["webhook-url"],
    webhookSecret: values["webhook-secret"],
  }),
  installation: { preinstalled: !values["not-installed"] },
  ...(values["signed-in-user"] && { signedInUser: values["signed-in-user"] }),
  rateLimit: given({ core: rateLimit, graphql: rateLimit, windowMs: rateWindow === undefined ? undefined : rateWindow * 1000 }),
  secondaryLimit: given({ maxConcurrent: number("max-concurrent"), pointsPerMinute: number("points-per-minute"), status: status === 429 || status === 403 ? status : undefined }),
  graphql: given({ nodeBudget: number("node-budget"), timeoutDelayMs: number("timeout-delay"), countOnlyConnections: countOnly }),
  faults: given({ latencyMs: number("latency"), jitterMs: number("jitter"), errorRate: number("error-rate"), resetRate: number("reset-rate") }),
};

const server = await startGitHubServer(options);
const { org } = server.org;
process.stdout.write(
  [
    `GitHub-compatible server for ${org.login}: ${org.repos.length} repositories, ${org.members.length} members`,
    `  web      ${server.url}`,
    `  REST     ${server.apiUrl}`,
    `  GraphQL  ${server.graphqlUrl}`,
    `  control  ${server.url}/_control/stats`,
    `  app      GHE_HOST=${new URL(server.url).host} GHE_PROTOCOL=http APP_ID=${server.context.options.app.id}`,
    "",
  ].join("\n"),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
