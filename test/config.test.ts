import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { configProblems } from "./helpers/config.js";
import { TEST_PRIVATE_KEY } from "./helpers/probot.js";

const credentials = { APP_ID: "12345", PRIVATE_KEY: TEST_PRIVATE_KEY, WEBHOOK_SECRET: "s3cret" };


describe("configuration from the environment", () => {
  it("runs in setup mode when no app credentials are given", () => {
    const config = loadConfig({});
    expect(config.app).toBeUndefined();
    expect(config).toMatchObject({ port: 3000, logLevel: "info", reconcileOnStartup: true });
  });

  it("reads the app credentials, a GitHub Enterprise host, MONGODB_URI and REDIS_URL", () => {
    const config = loadConfig({ ...credentials, GHE_HOST: "github.example.com", MONGODB_URI: "mongodb://db:27017/tributary", REDIS_URL: "redis://cache:6379", PORT: "8080" });
    expect(config.app).toEqual({ appId: 12345, privateKey: TEST_PRIVATE_KEY.trim(), webhookSecret: "s3cret" });
    expect(config.githubBaseUrl).toBe("https://github.example.com/api/v3");
    expect(config).toMatchObject({ mongodbUri: "mongodb://db:27017/tributary", redisUrl: "redis://cache:6379", port: 8080 });
  });

  it("names the missing credential when only some are given", () => {
    expect(configProblems({ APP_ID: "12345", WEBHOOK_SECRET: "x" })).toEqual([
      expect.stringContaining("PRIVATE_KEY or PRIVATE_KEY_PATH missing"),
    ]);
  });

  it("names every malformed variable", () => {
    const problems = configProblems({ APP_ID: "my-app", PORT: "99999", LOG_LEVEL: "loud", MONGODB_URI: "localhost:27017", REDIS_URL: "cache:6379" });
    expect(problems).toEqual([
      expect.stringMatching(/^APP_ID: must be the numeric App ID/),
      expect.stringMatching(/^MONGODB_URI: must start with mongodb:\/\//),
      expect.stringMatching(/^REDIS_URL: must start with redis:\/\//),
      expect.stringMatching(/^PORT: must be a TCP port/),
      expect.stringMatching(/^LOG_LEVEL: /),
    ]);
  });

  it("rejects a private key that is not PEM and an unreadable key file", () => {
    expect(configProblems({ ...credentials, PRIVATE_KEY: "abc" })).toEqual([expect.stringMatching(/^PRIVATE_KEY: not a PEM/)]);
    expect(configProblems({ APP_ID: "1", WEBHOOK_SECRET: "x", PRIVATE_KEY_PATH: "/nonexistent.pem" })).toEqual([
      expect.stringMatching(/^PRIVATE_KEY_PATH: cannot read \/nonexistent\.pem \(ENOENT\)/),
      expect.stringContaining("PRIVATE_KEY or PRIVATE_KEY_PATH missing"),
    ]);
  });
});
