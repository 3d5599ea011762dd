import { Random } from "../random.js";

export interface FaultOptions {
  /** Added to every API request. */
  latencyMs: number;
  /** Uniform extra delay in [0, jitterMs]. */
  jitterMs: number;
  /** Share of API requests answered with a 5xx (0..1). */
  errorRate: number;
  /** Share of API requests whose connection is dropped without an answer (0..1). */
  resetRate: number;
  seed: string | number;
}

export type Fault = "error" | "reset" | null;

/** Latency and failures, from a seeded stream so a run can be replayed. */
export class FaultInjector {
  private readonly random: Random;

  constructor(private readonly options: FaultOptions) {
    this.random = Random.of("faults", options.seed);
  }

  delayMs(): number {
    const { latencyMs, jitterMs } = this.options;
    return latencyMs + (jitterMs > 0 ? this.random.next() * jitterMs : 0);
  }

  next(): Fault {
    const { errorRate, resetRate } = this.options;
    if (errorRate <= 0 && resetRate <= 0) return null;
    const roll = this.random.next();
    if (roll < resetRate) return "reset";
    if (roll < resetRate + errorRate) return "error";
    return null;
  }
}
