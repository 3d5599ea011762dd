import { formatFaultDrill, runFaultDrill, SCENARIO_NAMES, type ScenarioName } from "./index.js";

/**
 * `node --import tsx tools/fault-drill/main.ts [scenario …] [--keep DIR]`: runs the fault drill (all scenarios, or
 * those named) against the local GitHub and the app as a child process on its own embedded database, and prints
 * the figures and every discrepancy. Exits 1 when anything was lost, duplicated or rolled back.
 */
const args = process.argv.slice(2);
let workDir: string | undefined;
const names: string[] = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === "--keep") workDir = args[++i];
  else names.push(args[i]!);
}
const unknown = names.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`Unknown scenarios: ${unknown.join(", ")} (known: ${SCENARIO_NAMES.join(", ")})`);
  process.exit(2);
}

const report = await runFaultDrill({
  scenarios: names.length > 0 ? (names as ScenarioName[]) : undefined,
  workDir,
  log: (line) => console.log(line),
});
for (const line of formatFaultDrill(report)) console.log(line);
for (const result of report.byScenario) {
  console.log(`\n${result.name}: ${JSON.stringify(result.facts)}`);
  for (const discrepancy of result.discrepancies) console.log(`  ${discrepancy}`);
}
process.exit(report.lost + report.duplicated + report.rolledBack + report.mismatched + report.unexpected + report.appFailures > 0 ? 1 : 0);
