import { startSharedDatabase } from "../tools/demo/database.js";
import { startStack } from "../tools/demo/stack.js";
import { waitForBackfill } from "../tools/demo/import-progress.js";
import { QUICK_PLAN, FULL_PLAN } from "../bench/sizes.js";
const plan = process.argv[2] === "full" ? FULL_PLAN : QUICK_PLAN;
const org = process.argv[3] === "small" ? plan.small : plan.large;
const database = await startSharedDatabase("/tmp/exp/db", "exp");
const stack = await startStack({
  org,
  github: { faults: { latencyMs: plan.latencyMs }, graphql: { nodeBudget: plan.nodeBudget, timeoutDelayMs: plan.timeoutDelayMs }, rateLimit: { core: 10_000_000, graphql: 10_000_000 } },
  mongodbUri: database.appUri, logFile: "/tmp/exp/app.log", env: { LOG_LEVEL: process.env.APP_LOG_LEVEL ?? "debug" },
});
const started = performance.now();
const { installation } = await stack.github.simulateInstall();
let last = 0;
await waitForBackfill(installation.id, { pollMs: 500, onProgress: (p) => { const now = performance.now(); if (now - last > 5000) { last = now; console.log(((now - started) / 1000).toFixed(0) + "s", p.map((s) => `${s.service} ${s.processed}/${s.total} ${s.finishedRepositories}/${s.repositories}`).join(" | ")); } } });
console.log("done in", ((performance.now() - started) / 1000).toFixed(1), "s", JSON.stringify(stack.github.stats().graphql).slice(0, 300));
await stack.close(); await database.close();
