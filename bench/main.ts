import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSharedDatabase } from "../tools/demo/database.js";
import { BackfillBars } from "../tools/demo/progress-bars.js";
import { formatResults } from "./results.js";
import { runBench } from "./run-bench.js";
import { FULL_PLAN, QUICK_PLAN } from "./sizes.js";

const { values } = parseArgs({ options: { quick: { type: "boolean" }, help: { type: "boolean" } } });
if (values.help) {
  process.stdout.write(`Usage: npm run bench [-- --quick]

Measures API requests per 1,000 items (Tributary vs a naive REST baseline), backfill time and peak memory at two
organization sizes, and webhook ingestion next to raw database upserts. Prints a table and writes
bench/results/latest.json. --quick: a tenth of the sizes (under two minutes).
`);
  process.exit(0);
}

const DATA_DIR = resolve("data/bench");
const RESULTS = resolve("bench/results/latest.json");
const print = (line: string) => process.stdout.write(`${line}\n`);

mkdirSync(DATA_DIR, { recursive: true });
const database = await startSharedDatabase(join(DATA_DIR, "db"), "bench");
try {
  const results = await runBench({
    plan: values.quick ? QUICK_PLAN : FULL_PLAN,
    quick: Boolean(values.quick),
    mongodbUri: database.appUri,
    logDir: DATA_DIR,
    print,
    progress: () => new BackfillBars(),
  });
  print("");
  print(formatResults(results));
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  print(`\nWritten to ${RESULTS}`);
} finally {
  await database.close();
}
