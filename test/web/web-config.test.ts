import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { configProblems } from "../helpers/config.js";
import { TEST_PRIVATE_KEY } from "../helpers/probot.js";

const app = { APP_ID: "1", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s", GITHUB_CLIENT_ID: "Iv1.x", GITHUB_CLIENT_SECRET: "y" };


describe("web configuration", () => {
  it("generates a session secret outside production, says so, and defaults the public URL to the port", () => {
    const { web } = loadConfig({ ...app, PORT: "4000" });
    expect(web).toMatchObject({ sessionSecretGenerated: true, publicUrl: "http://localhost:4000", secureCookies: false });
    expect(web.sessionSecret).toHaveLength(64);
  });

  it("needs a session secret in production, and then marks cookies Secure", () => {
    expect(configProblems({ ...app, NODE_ENV: "production" })).toEqual([expect.stringMatching(/^SESSION_SECRET missing: production needs/)]);
    const { web } = loadConfig({ ...app, NODE_ENV: "production", SESSION_SECRET: "x".repeat(32), PUBLIC_URL: "https://tributary.example.com/" });
    expect(web).toEqual({ sessionSecret: "x".repeat(32), sessionSecretGenerated: false, publicUrl: "https://tributary.example.com", secureCookies: true });
  });

  it("rejects a short secret and a relative public URL", () => {
    expect(configProblems({ SESSION_SECRET: "short", PUBLIC_URL: "/tributary" })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: must be at least 32 characters/),
      expect.stringMatching(/^PUBLIC_URL: must be the absolute URL/),
    ]);
  });
});
