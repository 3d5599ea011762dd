import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { DatabaseRateBudgetStore } from "../storage/rate-budget.js";
import { RateBudget } from "./rate-budget.js";
import { RedisRateBudgetStore } from "./rate-budget-redis.js";

export interface SharedRateBudget {
  budget: RateBudget;
  /** Where its windows live, for the startup log. */
  where: "redis" | "database";
  close(): Promise<void>;
}

/**
 * The installations' rate budget, shared by every replica: in Redis with REDIS_URL (where Probot's throttling shares
 * its limiters too), otherwise in the database. A store that fails loses a record (logged), never a request's answer.
 */
export function sharedRateBudget(config: Pick<Config, "redisUrl">, log: Logger): SharedRateBudget {
  const onError = (error: unknown) => log.warn({ err: error }, "the rate budget could not record an answer");
  if (!config.redisUrl) {
    return { budget: new RateBudget({ store: new DatabaseRateBudgetStore(), onError }), where: "database", close: async () => {} };
  }
  const redis = new Redis(config.redisUrl);
  // ioredis reconnects by itself; until then commands wait in its queue (and fail after its retries).
  redis.on("error", (error) => log.warn({ err: error }, "Redis (rate budget) connection error"));
  return {
    budget: new RateBudget({ store: new RedisRateBudgetStore(redis), onError }),
    where: "redis",
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
