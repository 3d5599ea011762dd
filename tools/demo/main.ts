import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSharedDatabase } from "./database.js";
import { runDemo } from "./run-demo.js";

const USAGE = `Usage: npm run demo -- [options]

Starts the embedded database, a local GitHub-compatible server with a generated organization and the app, installs
the app as an org owner would, shows the backfill, streams live activity and prints a summary.

  --repos <n> --pulls <n> --issues <n> --commits <n> --members <n>   organization size (8, 800, 400, 1600, 25)
  --latency <ms>          API latency of the local GitHub (20)
  --activity <seconds>    how long live activity streams (15)
  --port <port>           the app's port (3000)
  --keep                  leave the app and the local GitHub running for the web UI (Ctrl-C ends)
`;

const { values } = parseArgs({
  options: {
    help: { type: "boolean" },
    keep: { type: "boolean" },
    repos: { type: "string", default: "8" },
    pulls: { type: "string", default: "800" },
    issues: { type: "string", default: "400" },
    commits: { type: "string", default: "1600" },
    members: { type: "string", default: "25" },
    latency: { type: "string", default: "20" },
    activity: { type: "string", default: "15" },
    port: { type: "string", default: "3000" },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const DATA_DIR = resolve("data/demo");
const print = (line: string) => process.stdout.write(`${line}\n`);
mkdirSync(DATA_DIR, { recursive: true });
const database = await startSharedDatabase(join(DATA_DIR, "db"), "tributary");
const { stack } = await runDemo({
  org: { repos: Number(values.repos), pulls: Number(values.pulls), issues: Number(values.issues), commits: Number(values.commits), members: Number(values.members) },
  latencyMs: Number(values.latency),
  activityMs: Number(values.activity) * 1000,
  mongodbUri: database.appUri,
  logFile: join(DATA_DIR, "app.log"),
  port: Number(values.port),
  bars: true,
  print,
}).catch(async (error: unknown) => {
  await database.close();
  throw error;
});

const shutDown = async () => {
  await stack.close();
  await database.close();
  process.exit(0);
};

if (values.keep) {
  const publicUrl = `http://localhost:${stack.app.port}`;
  print("");
  print(`The app keeps running: open ${publicUrl}/integrations and choose "Sign in with GitHub".`);
  print(`The local GitHub signs you in as ${stack.github.context.options.signedInUser}, an owner of ${stack.github.org.org.login}.`);
  print("Ctrl-C stops the app, the local GitHub and the database.");
  process.once("SIGINT", () => void shutDown());
  process.once("SIGTERM", () => void shutDown());
} else {
  await shutDown();
}
