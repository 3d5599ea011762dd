import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { OwnedProcess } from "./owned-process.js";

/** How to (re)start one process. */
export interface ProcessRecipe {
  /** Clears what a predecessor that died left behind. */
  prepare?(): Promise<void>;
  spawn(): OwnedProcess;
  /** Resolves once the process serves; rejects when it exits first, or at the deadline. */
  ready(process: OwnedProcess, deadline: number): Promise<void>;
}

export interface RestartPolicy {
  /** The wait before the first restart; it doubles with every restart up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A process that served this long before it exited is restarted after `firstDelayMs` again. */
  stableAfterMs: number;
  /** How long one restart may take to serve. */
  startTimeoutMs: number;
}

/** 0.5 s, doubling up to 30 s; after a minute of service, 0.5 s again. */
export const RESTART_BACKOFF: Omit<RestartPolicy, "startTimeoutMs"> = { firstDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 60_000 };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps one process running: restarts it, with backoff, whenever it exits, until stop(). */
export class Supervisor {
  private stopping = false;
  private readonly stopped = new AbortController();
  private delayMs: number;
  private restarting: Promise<void> = Promise.resolve();

  private constructor(
    private readonly recipe: ProcessRecipe,
    private readonly policy: RestartPolicy,
    private readonly log: Logger | undefined,
    private current: OwnedProcess,
  ) {
    this.delayMs = policy.firstDelayMs;
    this.watch(current);
  }

  /**
   * Starts the process and supervises it from then on. A first start that fails is tried again with backoff until the
   * deadline — after a crash of the app, the previous PostgreSQL may still be shutting down, or its backends still hold
   * its shared memory, for a few seconds — then it leaves nothing running and throws.
   */
  static async start(recipe: ProcessRecipe, policy: RestartPolicy, log: Logger | undefined, deadline: number): Promise<Supervisor> {
    for (let delayMs = policy.firstDelayMs; ; delayMs = Math.min(delayMs * 2, policy.maxDelayMs)) {
      await recipe.prepare?.();
      const owned = recipe.spawn();
      try {
        await recipe.ready(owned, deadline);
        return new Supervisor(recipe, policy, log, owned);
      } catch (error) {
        await owned.stop();
        if (Date.now() + delayMs >= deadline) throw error;
        log?.warn({ error: errorText(error) }, `${owned.name} did not start; trying again`);
        await sleep(delayMs);
      }
    }
  }

  private watch(owned: OwnedProcess): void {
    const upSince = Date.now();
    void owned.exited.then(({ code, signal, output }) => {
      if (this.stopping) return;
      if (Date.now() - upSince >= this.policy.stableAfterMs) this.delayMs = this.policy.firstDelayMs;
      this.log?.warn({ code, signal, output }, `${owned.name} exited; restarting it`);
      this.restarting = this.restart(owned.name).catch((error: unknown) =>
        this.log?.error({ error: errorText(error) }, `${owned.name} is no longer restarted`),
      );
    });
  }

  private async restart(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await sleep(this.delayMs, undefined, { signal: this.stopped.signal }).catch(() => undefined);
      this.delayMs = Math.min(this.delayMs * 2, this.policy.maxDelayMs);
      if (this.stopping) return;
      try {
        await this.recipe.prepare?.();
        // Checked right before spawning, with no wait in between: stop() either sees the new process or prevents it.
        if (this.stopping) return;
        this.current = this.recipe.spawn();
        await this.recipe.ready(this.current, Date.now() + this.policy.startTimeoutMs);
        this.log?.info({ attempts: attempt }, `${name} restarted`);
        this.watch(this.current);
        return;
      } catch (error) {
        await this.current.stop();
        if (this.stopping) return;
        // Once per outage: a process that keeps failing to start would otherwise log every retry.
        const level = attempt === 1 ? "warn" : "debug";
        this.log?.[level]({ error: errorText(error), attempt }, `${name} did not restart; retrying with backoff`);
      }
    }
  }

  /** From now on, an exit is final: nothing is restarted. */
  release(): void {
    this.stopping = true;
    this.stopped.abort();
  }

  /** Stops the process, and any restart under way; nothing is restarted after. */
  async stop(): Promise<void> {
    this.release();
    await this.current.stop();
    await this.restarting;
  }
}
