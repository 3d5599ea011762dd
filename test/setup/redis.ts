import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { freeLoopbackPort } from "../../src/db/loopback-port.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * One redis-server for the run (Debian's, installed by `npm run setup`), on a free loopback port with its folder under
 * ./data like the embedded database's, persisting nothing and thrown away after. Tests keep apart by key prefix.
 * TEST_REDIS_URL runs them against another server instead.
 */
export default async function startTestRedis(project: TestProject) {
  const external = process.env.TEST_REDIS_URL;
  if (external) {
    project.provide("redisUrl", external);
    return;
  }
  mkdirSync(resolve("data"), { recursive: true });
  const dir = mkdtempSync(join(resolve("data"), "test-redis-"));
  const port = await freeLoopbackPort();
  const server = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((done) => server.once("exit", () => done()));
  const failed = new Promise<never>((_, reject) =>
    server.once("error", (error) =>
      reject(new Error(`redis-server could not start (${error.message}): install it with \`npm run setup\` (Debian's redis-server package)`)),
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused connections until it listens are expected: each attempt's failure is handled below.
  client.on("error", () => {});
  const answered = (async () => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        return;
      } catch {
        client.disconnect();
        await sleep(50);
      }
    }
    throw new Error(`redis-server did not answer on ${url}`);
  })();
  try {
    await Promise.race([answered, failed]);
  } catch (error) {
    server.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide("redisUrl", url);
  return async () => {
    server.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
}
