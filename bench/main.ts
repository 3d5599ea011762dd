import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSharedDatabase } from "../tools/demo/database.js";
import { BackfillBars } from "../tools/demo/progress-bars.js";
import { formatDataExport } from "./data-export.js";
import { formatReports } from "./reports.js";
import { formatScale, measureScale } from "./scale.js";
import { formatDatabase, formatResults, formatWebhooks, formatWebPages } from "./results.js";
import { measureDataApiAlone, measureDatabaseAlone, measureReportsAlone, measureWebhooksAlone, measureWebPagesAlone, runBench } from "./run-bench.js";
import { WEB_TARGET_GROWTH } from "./web-pages.js";
import { FULL_PLAN, QUICK_PLAN } from "./sizes.js";

const { values } = parseArgs({ options: { quick: { type: "boolean" }, only: { type: "string" }, help: { type: "boolean" } } });
if (values.help) {
  process.stdout.write(`Usage: npm run bench [-- --quick] [-- --only database|web|data-api|reports|scale|webhooks]

Measures API requests per 1,000 items (Tributary vs a naive REST baseline), backfill time and peak memory at two
organization sizes, webhook ingestion (acknowledgement latency, inbox drain rate) next to raw database upserts, the fault drill, and the app's pull request storage at three
collection sizes. Prints a table and writes bench/results/latest.json. --quick: a tenth of the organization sizes
(under two minutes) and a tenth of the collection sizes. --only database: the storage measurement alone, written
into the \`database\` key of latest.json (the other keys stay as the last full run left them); --only web: the
repositories page and API at 1×, 10× and 100× the records, into the \`web\` key; --only data-api: the large organization's
backfill, then the data API's NDJSON export of it (records/s), into the \`dataApi\` key; --only reports: the small and
the large organization's backfills, each followed by the Reports API's p50/p95, into the \`reports\` key; --only
scale: two installations backfilled by one and by two app replicas, then organizations of 200 and 2,000 small
repositories (requests per repository, queue statements per job, peak memory), into the \`scale\` key; --only
webhooks: the small organization's backfill, then the webhook bursts and their raw yardsticks, into the \`webhooks\` key.
`);
  process.exit(0);
}
if (values.only !== undefined && !["database", "web", "data-api", "reports", "scale", "webhooks"].includes(values.only)) {
  process.stderr.write(`--only accepts "database", "web", "data-api", "reports", "scale" or "webhooks", not "${values.only}"\n`);
  process.exit(2);
}

const DATA_DIR = resolve("data/bench");
const RESULTS = resolve("bench/results/latest.json");
const print = (line: string) => process.stdout.write(`${line}\n`);
/** Writes one key of latest.json; the other keys stay as the last full run left them. */
const writeKey = (key: string, measurement: unknown) => {
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, "utf8")) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, [key]: measurement }, null, 2)}\n`);
};

mkdirSync(DATA_DIR, { recursive: true });
const database = await startSharedDatabase(join(DATA_DIR, "db"), "bench");
const plan = values.quick ? QUICK_PLAN : FULL_PLAN;
try {
  if (values.only === "database") {
    const measurement = await measureDatabaseAlone(plan, print);
    print("");
    print(formatDatabase(measurement));
    writeKey("database", measurement);
  } else if (values.only === "web") {
    const measurement = { ...(await measureWebPagesAlone(plan, { mongodbUri: database.appUri, logFile: join(DATA_DIR, "app-web.log"), print })), targetGrowth: WEB_TARGET_GROWTH };
    print("");
    print(formatWebPages(measurement));
    writeKey("web", measurement);
  } else if (values.only === "reports") {
    const measurement = await measureReportsAlone(plan, { mongodbUri: database.appUri, logDir: DATA_DIR, print });
    print("");
    for (const line of formatReports(measurement)) print(line);
    writeKey("reports", measurement);
  } else if (values.only === "scale") {
    const measurement = await measureScale(plan, { mongodbUri: database.appUri, logDir: DATA_DIR, print });
    print("");
    for (const line of formatScale(measurement)) print(line);
    writeKey("scale", measurement);
  } else if (values.only === "webhooks") {
    const measurement = await measureWebhooksAlone(plan, { mongodbUri: database.appUri, logDir: DATA_DIR, print });
    print("");
    for (const line of formatWebhooks(measurement)) print(line);
    writeKey("webhooks", measurement);
  } else if (values.only === "data-api") {
    const measurement = await measureDataApiAlone(plan, { mongodbUri: database.appUri, logFile: join(DATA_DIR, "app-data-api.log"), print });
    print("");
    print(formatDataExport(measurement));
    writeKey("dataApi", measurement);
  } else {
    const results = await runBench({
      plan,
      quick: Boolean(values.quick),
      mongodbUri: database.appUri,
      logDir: DATA_DIR,
      print,
      progress: () => new BackfillBars(),
    });
    print("");
    print(formatResults(results));
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  }
  print(`\nWritten to ${RESULTS}`);
} finally {
  await database.close();
}
