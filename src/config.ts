import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

/** Raised when the environment is incomplete or malformed; the message is meant for a person. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every variable.`);
    this.name = "ConfigError";
  }
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((value) => (value === undefined || value === "" ? fallback : value === "true" || value === "1"));

const envSchema = z.object({
  APP_ID: optionalText.pipe(z.string().regex(/^\d+$/, "must be the numeric App ID from the app's settings page").optional()),
  PRIVATE_KEY: optionalText,
  PRIVATE_KEY_PATH: optionalText,
  WEBHOOK_SECRET: optionalText,
  GITHUB_CLIENT_ID: optionalText,
  GITHUB_CLIENT_SECRET: optionalText,
  GHE_HOST: optionalText,
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  MONGODB_URI: optionalText.pipe(
    z.string().regex(/^mongodb(\+srv)?:\/\//, "must start with mongodb:// or mongodb+srv://").optional(),
  ),
  REDIS_URL: optionalText.pipe(z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional()),
  FERRETDB_BIN: optionalText,
  FERRETDB_DATA_DIR: z.string().trim().min(1).default("./data"),
  HOST: optionalText,
  PORT: z.coerce.number().int("must be a whole number").min(1).max(65535, "must be a TCP port (1-65535)").default(3000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  RECONCILE_ON_STARTUP: flag(true),
  SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1, "must be at least 1").default(60),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  INBOX_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(512),
  REDELIVERY_INTERVAL_MINUTES: z.coerce.number().int().min(1, "must be at least 1").default(10),
  /** Overrides REDELIVERY_INTERVAL_MINUTES at the scale of seconds (fault drills, tests); unset in production. */
  REDELIVERY_INTERVAL_SECONDS: z.coerce.number().int().min(1, "must be at least 1").optional(),
  SESSION_SECRET: optionalText.pipe(
    z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)").optional(),
  ),
  PUBLIC_URL: optionalText.pipe(z.url("must be the absolute URL people open the app at, e.g. https://tributary.example.com").optional()),
});

export type Env = Record<string, string | undefined>;

export interface AppCredentials {
  appId: number;
  privateKey: string;
  webhookSecret: string;
}

export interface Config {
  /** Absent until the app is registered: the server then offers Probot's setup page. */
  app?: AppCredentials;
  oauth?: { clientId: string; clientSecret: string };
  /** REST base URL of a GitHub Enterprise (or GitHub-compatible) host; undefined means github.com. */
  githubBaseUrl?: string;
  mongodbUri?: string;
  /**
   * Redis shared by the replicas: Probot's throttling clusters its limiters there, and the rate budget lives there.
   * Without it the rate budget lives in the database and the throttling is per process.
   */
  redisUrl?: string;
  /** The embedded database (PostgreSQL with DocumentDB, behind FerretDB), used when no MONGODB_URI is given. */
  embeddedDatabase: { ferretdbBinary: string; dataDir: string };
  host?: string;
  port: number;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: "json" | "pretty";
  reconcileOnStartup: boolean;
  /** How often everything is re-read incrementally, so a missed webhook costs minutes of staleness, not data. */
  syncIntervalMinutes: number;
  /** Background jobs at once in this process (at most 2 per installation). */
  workerConcurrency: number;
  /** Webhook deliveries processed at once in this process. */
  inboxConcurrency: number;
  /** How often GitHub's list of deliveries is checked for ones that failed, which are then asked for again. */
  redeliveryIntervalMs: number;
  web: WebConfig;
}

export interface WebConfig {
  /** Signs session cookies and encrypts stored GitHub user tokens. */
  sessionSecret: string;
  /** True when no SESSION_SECRET was given outside production: sessions end with the process. */
  sessionSecretGenerated: boolean;
  /** Where people reach the app; OAuth redirects come back here. No trailing slash. */
  publicUrl: string;
  /** Cookies are marked Secure in production (served over HTTPS). */
  secureCookies: boolean;
}

/** The embedded database's pieces, as `npm run setup` (scripts/setup-database.sh) installs them. */
export const EMBEDDED_DATABASE = { postgresMajor: 15, documentdbVersion: "0.107-0", ferretdbVersion: "v2.7.0" } as const;
export const DEFAULT_FERRETDB_BIN = resolve(".tools/bin/ferretdb");

function readPrivateKey(env: z.infer<typeof envSchema>, problems: string[]): string | undefined {
  if (env.PRIVATE_KEY) return env.PRIVATE_KEY.replace(/\\n/g, "\n");
  if (!env.PRIVATE_KEY_PATH) return undefined;
  try {
    return readFileSync(env.PRIVATE_KEY_PATH, "utf8");
  } catch (error) {
    problems.push(`PRIVATE_KEY_PATH: cannot read ${env.PRIVATE_KEY_PATH} (${(error as NodeJS.ErrnoException).code})`);
    return undefined;
  }
}

function appCredentials(env: z.infer<typeof envSchema>, problems: string[]): AppCredentials | undefined {
  const privateKey = readPrivateKey(env, problems);
  const given = { APP_ID: env.APP_ID, "PRIVATE_KEY or PRIVATE_KEY_PATH": privateKey, WEBHOOK_SECRET: env.WEBHOOK_SECRET };
  const missing = Object.entries(given).filter(([, value]) => !value).map(([name]) => name);
  // None at all is a legitimate first run: Probot's setup page registers the app and writes them to .env.
  if (missing.length === Object.keys(given).length && !env.PRIVATE_KEY_PATH) return undefined;
  if (missing.length > 0) {
    problems.push(`${missing.join(", ")} missing: the app credentials come together (register the app first, see README)`);
    return undefined;
  }
  if (privateKey && !/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    problems.push("PRIVATE_KEY: not a PEM private key (expected a '-----BEGIN RSA PRIVATE KEY-----' block)");
    return undefined;
  }
  return { appId: Number(env.APP_ID), privateKey: privateKey!, webhookSecret: env.WEBHOOK_SECRET! };
}

export function loadConfig(rawEnv: Env = process.env): Config {
  const parsed = envSchema.safeParse(rawEnv);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  const app = appCredentials(env, problems);
  if (Boolean(env.GITHUB_CLIENT_ID) !== Boolean(env.GITHUB_CLIENT_SECRET)) {
    problems.push("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together");
  }
  const production = rawEnv.NODE_ENV === "production";
  if (production && app && !env.SESSION_SECRET) {
    problems.push("SESSION_SECRET missing: production needs a fixed secret of at least 32 characters to sign sessions");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    app,
    oauth:
      env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
        ? { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET }
        : undefined,
    githubBaseUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL}://${env.GHE_HOST}/api/v3` : undefined,
    mongodbUri: env.MONGODB_URI,
    redisUrl: env.REDIS_URL,
    embeddedDatabase: { ferretdbBinary: env.FERRETDB_BIN ?? DEFAULT_FERRETDB_BIN, dataDir: resolve(env.FERRETDB_DATA_DIR) },
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? (rawEnv.NODE_ENV === "production" ? "json" : "pretty"),
    reconcileOnStartup: env.RECONCILE_ON_STARTUP,
    syncIntervalMinutes: env.SYNC_INTERVAL_MINUTES,
    workerConcurrency: env.WORKER_CONCURRENCY,
    inboxConcurrency: env.INBOX_CONCURRENCY,
    redeliveryIntervalMs: (env.REDELIVERY_INTERVAL_SECONDS ?? env.REDELIVERY_INTERVAL_MINUTES * 60) * 1_000,
    web: {
      sessionSecret: env.SESSION_SECRET ?? randomBytes(32).toString("hex"),
      sessionSecretGenerated: !env.SESSION_SECRET,
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
      secureCookies: production,
    },
  };
}
