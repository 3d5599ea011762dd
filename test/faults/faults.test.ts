import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultDrill, runScenario, type ScenarioResult } from "../../tools/fault-drill/index.js";
import { allowLoopback } from "../tools/github-server/helpers.js";

/**
 * The fault suite: the app runs as a real child process (`npm start` without MONGODB_URI: its own embedded
 * PostgreSQL and FerretDB, supervised by it) against the local GitHub with a seeded organization; each scenario plays
 * live activity while something fails, waits for the app to settle, and compares its database with GitHub's truth.
 * The scenarios run in order on one organization and one app (what one did, the next builds on).
 */
describe("fault drill: webhooks under faults, compared with GitHub's truth", () => {
  let drill: FaultDrill;

  beforeAll(async () => {
    // The app, the local GitHub and their webhooks are real HTTP on loopback.
    allowLoopback();
    // Settling is waited for by polling; a generous deadline, since a stuck delivery or job is what it must catch.
    drill = await FaultDrill.start({ convergenceTimeoutMs: 90_000, log: (line) => console.info(`[fault drill] ${line}`) });
  }, 180_000);

  afterAll(async () => {
    await drill?.close();
  }, 60_000);

  /** Nothing lost, duplicated, rolled back or made up; the app settled, still runs, never exited by itself, is healthy. */
  function expectIntact(result: ScenarioResult): void {
    expect(result.discrepancies).toEqual([]);
    expect(result).toMatchObject({
      lost: 0,
      duplicated: 0,
      rolledBack: 0,
      mismatched: 0,
      unexpected: 0,
      stale: 0,
      unexpectedDead: 0,
      converged: true,
      appAlive: true,
      unexpectedExits: 0,
      healthStatus: 200,
    });
  }

  it("after the backfill, the database equals GitHub's truth", () => {
    expect(drill.baseline.discrepancies).toEqual([]);
    expect(drill.baseline.checked.pullRequests).toBeGreaterThan(30);
    expect(drill.baseline.checked.tickets).toBeGreaterThan(20);
    expect(drill.baseline.checked.reviews).toBeGreaterThan(100);
    expect(drill.baseline.checked.commits).toBeGreaterThan(50);
  });

  it("(a) PostgreSQL SIGKILLed during a burst: the supervisor restarts it, refused deliveries come back by redelivery", async () => {
    const result = await runScenario(drill, "postgres-killed");
    expect(result.facts.restartedPid).toEqual(expect.any(Number));
    expect(result.facts.restartedPid).not.toBe(result.facts.killedPid);
    expect(result.deliveriesSent).toBeGreaterThanOrEqual(90);
    // Every attempt the app refused while the database was away was asked for again.
    expect(result.redeliveries).toBeGreaterThanOrEqual(result.failedAttempts);
    expectIntact(result);
  }, 150_000);

  it("(b) PostgreSQL paused (SIGSTOP) during a burst, then continued: /health says so, 503s are recovered", async () => {
    const result = await runScenario(drill, "postgres-paused");
    expect(result.facts.pausedSeconds).toBeGreaterThanOrEqual(30);
    expect(result.facts.healthDuringPause).toBe(503);
    expect(result.facts.sentDuringPause).toBeGreaterThan(0);
    expectIntact(result);
  }, 180_000);

  it("(c) the app SIGKILLed while processing a delivery, restarted on the same data: nothing lost", async () => {
    const result = await runScenario(drill, "app-killed");
    expect(result.facts.exitSignal).toBe("SIGKILL");
    expect(result.facts.processingAtKill).toBeGreaterThan(0);
    expect(result.failedAttempts).toBeGreaterThan(0);
    expectIntact(result);
  }, 150_000);

  it("(d) the app down while 100+ deliveries fail (deletions, transfers, a repository removed): redelivery brings back every one", async () => {
    const result = await runScenario(drill, "app-down");
    expect(result.facts.failedWhileDown).toBeGreaterThanOrEqual(100);
    expect(result.facts.issuesDeleted).toBeGreaterThan(0);
    expect(result.facts.issuesTransferred).toBeGreaterThan(0);
    expect(result.facts.repositoriesRemoved).toBe(1);
    expect(result.facts.removedRepositoriesUngranted).toBe(1);
    expect(result.redeliveries).toBeGreaterThanOrEqual(result.facts.failedWhileDown as number);
    expectIntact(result);
  }, 150_000);

  it("(e) GitHub's API failing for a while: the failed job is retried; a malformed signed payload is dead with its reason", async () => {
    const result = await runScenario(drill, "transient-failures");
    expect(result.facts.apiErrorsServed).toBeGreaterThan(0);
    expect(result.facts.failedJob).toEqual(expect.any(String));
    expect(result.facts.malformedAnswer).toBe(202);
    expect(result.facts).toMatchObject({ malformedState: "dead", malformedAttempts: 1, malformedListedAsDead: true });
    expect(result.facts.malformedReason).toMatch(/^invalid payload/);
    expectIntact(result);
  }, 240_000);

  it("(f) 200 MB unsigned bodies: 413, memory and log stay flat, one refusal line each", async () => {
    const result = await runScenario(drill, "oversized-body");
    // The app's answers, as its one line per refusal records them; the client saw 413 too unless the connection was
    // reset under the answer (0).
    expect(result.facts).toMatchObject({ answeredStatuses: "413,413", linesNamingChunked: 1, linesNamingDeclared: 1, logLinesAdded: 2 });
    expect([413, 0]).toContain(result.facts.chunkedStatus);
    expect([413, 0]).toContain(result.facts.declaredStatus);
    expect(result.facts.rssGrowthMB).toBeLessThan(50);
    expect(result.facts.logGrowthBytes).toBeLessThan(10_000);
    expectIntact(result);
  }, 60_000);
});
