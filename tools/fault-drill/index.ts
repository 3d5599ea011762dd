import { FaultDrill, type FaultDrillOptions } from "./drill.js";
import { runScenario, SCENARIO_NAMES, type ScenarioName, type ScenarioResult, type TruthCounts } from "./scenarios.js";

export { FaultDrill, DRILL_ORG, healthStatus, type FaultDrillOptions, type Verification } from "./drill.js";
export { runScenario, SCENARIO_NAMES, SCENARIOS, type Facts, type ScenarioName, type ScenarioResult, type TruthCounts } from "./scenarios.js";
export { compareWithTruth, type TruthComparison } from "./truth.js";
export { waitForConvergence, type Convergence } from "./convergence.js";

/** What `npm run bench` reports under `faults`. */
export interface FaultDrillReport extends TruthCounts {
  /** Scenarios run. */
  scenarios: number;
  /** Scenarios in which the app exited by itself, or was not healthy at the end. */
  appFailures: number;
  /** Setup (org, app, install, backfill) and every scenario. */
  seconds: number;
  byScenario: ScenarioResult[];
}

export function summarize(results: ScenarioResult[], seconds: number): FaultDrillReport {
  const sum = (pick: (result: ScenarioResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return {
    scenarios: results.length,
    deliveriesSent: sum((result) => result.deliveriesSent),
    lost: sum((result) => result.lost),
    duplicated: sum((result) => result.duplicated),
    rolledBack: sum((result) => result.rolledBack),
    mismatched: sum((result) => result.mismatched),
    unexpected: sum((result) => result.unexpected),
    appFailures: results.filter((result) => !result.appAlive || result.unexpectedExits > 0 || result.healthStatus !== 200).length,
    seconds,
    byScenario: results,
  };
}

/**
 * The whole drill for the benchmark: one organization and app, every scenario (or those named) in turn, each ending
 * with the app settled and its database compared with GitHub's truth. A scenario that throws ends the drill.
 */
export async function runFaultDrill(options: FaultDrillOptions & { scenarios?: readonly ScenarioName[] } = {}): Promise<FaultDrillReport> {
  const started = Date.now();
  const drill = await FaultDrill.start(options);
  const results: ScenarioResult[] = [];
  try {
    for (const name of options.scenarios ?? SCENARIO_NAMES) results.push(await runScenario(drill, name));
  } finally {
    await drill.close();
  }
  return summarize(results, Math.round((Date.now() - started) / 100) / 10);
}

/** The report as lines for a terminal. */
export function formatFaultDrill(report: FaultDrillReport): string[] {
  const lines = [`Fault drill (${report.scenarios} scenarios, ${report.deliveriesSent} deliveries, ${report.seconds} s): lost ${report.lost}, duplicated ${report.duplicated}, rolled back ${report.rolledBack}`];
  const pad = (text: string | number, width: number) => String(text).padStart(width);
  lines.push(`  ${"scenario".padEnd(20)} ${pad("sent", 6)} ${pad("failed", 7)} ${pad("redelivered", 12)} ${pad("lost", 5)} ${pad("dup", 4)} ${pad("rolled back", 12)} ${pad("seconds", 8)}  app`);
  for (const result of report.byScenario) {
    const app = result.appAlive && result.unexpectedExits === 0 && result.healthStatus === 200 ? "up, healthy" : `alive=${result.appAlive} health=${result.healthStatus}`;
    lines.push(
      `  ${result.name.padEnd(20)} ${pad(result.deliveriesSent, 6)} ${pad(result.failedAttempts, 7)} ${pad(result.redeliveries, 12)} ${pad(result.lost, 5)} ${pad(result.duplicated, 4)} ${pad(result.rolledBack, 12)} ${pad(result.seconds, 8)}  ${app}`,
    );
  }
  return lines;
}
