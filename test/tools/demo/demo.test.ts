import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { currentDatabaseUri } from "../../../tools/demo/database.js";
import { runDemo } from "../../../tools/demo/run-demo.js";
import { allowLoopback } from "../github-server/helpers.js";

describe("npm run demo, at a tiny size", () => {
  it("installs the app on a generated org, waits for the backfill, lands live activity and summarizes", async () => {
    // The app runs in a child process on this file's database; only the local servers are reached.
    allowLoopback();
    const lines: string[] = [];
    const { stack, summary } = await runDemo({
      org: { repos: 2, pulls: 12, issues: 8, commits: 20, members: 6 },
      latencyMs: 0,
      activityMs: 500,
      mongodbUri: currentDatabaseUri(inject("mongoUri")),
      logFile: join(mkdtempSync(join(tmpdir(), "tributary-demo-")), "app.log"),
      bars: false,
      print: (line) => lines.push(line),
    });
    try {
      expect(summary.integration).toMatchObject({ account: "acme", status: "active" });
      expect(summary.stored).toMatchObject({ integrations: 1, repositories: 2, members: 6 });
      // Live activity opened pull requests and pushed commits on top of the backfilled history.
      expect(summary.stored.pullRequests).toBeGreaterThan(12);
      expect(summary.stored.commits).toBeGreaterThan(20);
      expect(summary.api.graphqlQueries).toBeGreaterThan(0);
      expect(summary.api.webhooksDelivered).toBeGreaterThan(1);
      expect(lines.join("\n")).toMatch(/Backfill done in[\s\S]*round 1: \d+ webhooks →[\s\S]*Summary/);
      // The summary ends with the headline reports of the generated history's last 12 weeks, and where to see them.
      expect(summary.reports.weeks).toHaveLength(12);
      expect(summary.reports.period.merged).toBeGreaterThanOrEqual(0);
      expect(lines.at(-4)).toMatch(/^Reports, the 12 weeks from \d{4}-\d{2}-\d{2} .* \/integrations\/\d+\/reports\?weeks=12&until=2025-06-30$/);
      expect(lines.at(-3)).toMatch(/^ {2}cycle time {4}/);
    } finally {
      await stack.close();
    }
  }, 60_000);
});
