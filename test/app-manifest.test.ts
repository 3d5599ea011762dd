import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const manifest = parse(readFileSync("app.yml", "utf8")) as {
  default_permissions: Record<string, string>;
  default_events: string[];
  setup_url: string;
  setup_on_update: boolean;
};

describe("app.yml (the GitHub App manifest)", () => {
  it("asks only for read access, never write or admin", () => {
    const notRead = Object.entries(manifest.default_permissions).filter(([, level]) => level !== "read");
    expect(notRead).toEqual([]);
  });

  it("asks for exactly the permissions ingestion needs", () => {
    expect(Object.keys(manifest.default_permissions).sort()).toEqual(
      ["contents", "issues", "members", "metadata", "pull_requests"].sort(),
    );
  });

  it("subscribes to every event ingestion handles", () => {
    expect(manifest.default_events.sort()).toEqual(
      [
        "create",
        "delete",
        "issue_comment",
        "issues",
        "member",
        "membership",
        "organization",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
        "pull_request_review_thread",
        "push",
        "repository",
      ].sort(),
    );
  });

  it("sends installers and requesters to the app's setup page, also after updates", () => {
    expect(new URL(manifest.setup_url).pathname).toBe("/github/setup");
    expect(manifest.setup_on_update).toBe(true);
  });
});
