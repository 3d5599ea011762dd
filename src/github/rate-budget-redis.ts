import type { Redis } from "ioredis";
import { RESERVE, type BudgetWindow, type RateBudgetStore, type SpendResult } from "./rate-budget-store.js";

/**
 * How long a window's hash outlives its reset (GitHub's clock and ours differ), counted from the caller's `now`, not
 * Redis's clock: then Redis drops it by itself.
 */
const KEEP_AFTER_RESET_MS = 3_600_000;

// Each script reads and writes one window's hash as one step: Redis runs a script with nothing in between.
// A window: HASH limit, remaining, resetAt (epoch ms). Times come from the caller (`now`), as with the other stores.
const RECORD = `
local known = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'resetAt')
local limit, remaining, resetAt, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if known[1] and tonumber(known[3]) > now and tonumber(known[2]) < remaining and tonumber(known[1]) == limit then return 0 end
redis.call('HSET', KEYS[1], 'limit', ARGV[1], 'remaining', ARGV[2], 'resetAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.max(1, resetAt - now + tonumber(ARGV[5])))
return 1`;

const SPEND = `
local known = redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'resetAt')
if not known[1] then return {'unknown'} end
local limit, remaining, resetAt = tonumber(known[1]), tonumber(known[2]), tonumber(known[3])
local cost, now, reserve = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if resetAt <= now then return {'reset', known[1], known[2], known[3]} end
if remaining - cost < limit * reserve then return {'low', known[1], known[2], known[3]} end
return {'spent', known[1], tostring(redis.call('HINCRBY', KEYS[1], 'remaining', 0 - cost)), known[3]}`;

const EXHAUST = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'remaining', 0)
return redis.call('HMGET', KEYS[1], 'limit', 'remaining', 'resetAt')`;

const FORGET = `
if redis.call('HGET', KEYS[1], 'resetAt') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const windowOf = ([limit, remaining, resetAt]: string[]): BudgetWindow => ({ limit: Number(limit), remaining: Number(remaining), resetAt: new Date(Number(resetAt)) });

/**
 * The rate budget in Redis (when REDIS_URL is set), shared by every replica on that Redis, as Probot's throttling is:
 * a hash per window under `prefix`, and one hash of the GraphQL operations' last costs.
 */
export class RedisRateBudgetStore implements RateBudgetStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "tributary:rate-budget:",
  ) {}

  async record(key: string, window: BudgetWindow, now: Date): Promise<void> {
    await this.redis.eval(RECORD, 1, this.#window(key), window.limit, window.remaining, window.resetAt.getTime(), now.getTime(), KEEP_AFTER_RESET_MS);
  }

  async spend(key: string, cost: number, now: Date): Promise<SpendResult> {
    const [outcome, ...window] = (await this.redis.eval(SPEND, 1, this.#window(key), cost, now.getTime(), RESERVE)) as string[];
    if (outcome === "unknown") return { outcome };
    return { outcome: outcome as "spent" | "reset" | "low", window: windowOf(window) };
  }

  async exhaust(key: string): Promise<BudgetWindow | undefined> {
    const window = (await this.redis.eval(EXHAUST, 1, this.#window(key))) as string[] | null;
    return window ? windowOf(window) : undefined;
  }

  async forget(key: string, resetAt: Date): Promise<void> {
    await this.redis.eval(FORGET, 1, this.#window(key), resetAt.getTime());
  }

  async recordCost(operation: string, cost: number): Promise<void> {
    await this.redis.hset(this.#costs(), operation, cost);
  }

  async costs(operation: string | undefined): Promise<{ last?: number; dearest?: number }> {
    const [last, all] = await Promise.all([operation === undefined ? null : this.redis.hget(this.#costs(), operation), this.redis.hvals(this.#costs())]);
    return { last: last === null ? undefined : Number(last), dearest: all.length > 0 ? Math.max(...all.map(Number)) : undefined };
  }

  #window(key: string): string {
    return `${this.prefix}window:${key}`;
  }

  #costs(): string {
    return `${this.prefix}costs`;
  }
}
