import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REQUIRED_PERMISSIONS, missingPermissions } from "../../src/domain/permissions-check.js";

describe("required permissions", () => {
  it("are exactly the ones app.yml asks for", () => {
    const manifest = parse(readFileSync("app.yml", "utf8")) as { default_permissions: Record<string, string> };
    expect(REQUIRED_PERMISSIONS).toEqual(manifest.default_permissions);
  });

  it("are missing when not granted or granted at a lower level; a higher level is enough", () => {
    expect(missingPermissions({ metadata: "read", contents: "write", pull_requests: "read", issues: "read", members: "admin" })).toEqual([]);
    expect(missingPermissions({ metadata: "read", contents: "none", pull_requests: "read" })).toEqual(["contents: read", "issues: read", "members: read"]);
  });
});
