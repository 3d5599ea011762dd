/**
 * When this process's intake is in a burst of deliveries. GitHub waits for each delivery's answer (and counts it
 * failed after 10 s), not for its processing: while a burst is being stored, processing holds back so that the
 * answers are not queued on the event loop behind the handlers. Held back for a bounded time only: a stream that
 * keeps arriving longer than `holdMs` is processed alongside it, as before.
 */
export interface BurstOptions {
  /**
   * Deliveries processed at once while a burst is held back. None by default: even a few, with their record writes
   * and the refreshes they queue, slowed a burst's answers (p99 180–250 ms against 140–150 ms without, 1,000
   * deliveries 32 at a time) and the burst as a whole, since the intake stores faster alone.
   */
  processing: number;
  /**
   * A burst lasts while deliveries arrive within this of each other (or while one is being stored). The processor
   * waits this long idle after a burst's last delivery: 50 ms rather than 200 processed a burst of 1,000 deliveries
   * (32 at a time) at 588/s rather than 490 on average over 8 rounds each, its answers no slower.
   */
  gapMs: number;
  /** The longest processing holds back for one burst. */
  holdMs: number;
  /**
   * Bodies (bytes) a burst may keep waiting in memory, taken on arrival, beyond the processor's free slots: each
   * spares the claim round that would otherwise fetch it back from the inbox after the burst.
   */
  heldBytes: number;
}

export const DEFAULT_BURST: BurstOptions = { processing: 0, gapMs: 50, holdMs: 5_000, heldBytes: 32 * 1024 * 1024 };

export class IntakeBurst {
  readonly #options: BurstOptions;
  readonly #onRelease: () => void;
  readonly #now: () => number;
  /** Deliveries being stored right now. */
  #storing = 0;
  #lastStoredAt = -Infinity;
  /** When the current burst began; null outside one. */
  #startedAt: number | null = null;
  /** When the current burst may have ended: its hold runs out, or a gap after the last delivery stored. */
  #endTimer: NodeJS.Timeout | undefined;

  /** `onRelease` is called once processing need no longer hold back for the burst that was going on. */
  constructor(options: BurstOptions, onRelease: () => void, now = () => performance.now()) {
    this.#options = options;
    this.#onRelease = onRelease;
    this.#now = now;
  }

  /** A delivery is about to be stored. */
  storing(): void {
    const now = this.#now();
    if (this.#startedAt === null || this.#quiet(now)) {
      this.#startedAt = now;
      this.#lookAgainIn(this.#options.holdMs);
    }
    this.#storing += 1;
  }

  /** The delivery is stored (or could not be). */
  stored(): void {
    this.#storing -= 1;
    this.#lastStoredAt = this.#now();
    // Past its hold, the burst was released already.
    if (this.#storing === 0 && this.holding) this.#lookAgainIn(Math.min(this.#options.gapMs, this.#holdLeft()));
  }

  /** Whether processing holds back now. */
  get holding(): boolean {
    if (this.#startedAt === null) return false;
    const now = this.#now();
    if (this.#quiet(now)) {
      this.#startedAt = null;
      return false;
    }
    return now - this.#startedAt < this.#options.holdMs;
  }

  #quiet(now: number): boolean {
    return this.#storing === 0 && now - this.#lastStoredAt >= this.#options.gapMs;
  }

  /** Whether a delivery of `bytes` may wait in memory during this burst, with `heldBytes` waiting already. */
  mayHold(heldBytes: number, bytes: number): boolean {
    return this.holding && heldBytes + bytes <= this.#options.heldBytes;
  }

  /** Deliveries that may be processed at once now, of `concurrency` outside a burst. */
  limit(concurrency: number): number {
    return this.holding ? Math.min(this.#options.processing, concurrency) : concurrency;
  }

  stop(): void {
    clearTimeout(this.#endTimer);
  }

  #holdLeft(): number {
    return this.#options.holdMs - (this.#now() - this.#startedAt!);
  }

  /** Releases in `delayMs` if the burst has ended by then, or else looks again when it next may end. */
  #lookAgainIn(delayMs: number): void {
    clearTimeout(this.#endTimer);
    // Timers count whole milliseconds and may fire a fraction early by this clock: never less than one.
    this.#endTimer = setTimeout(() => {
      if (!this.holding) {
        this.#onRelease();
        return;
      }
      // A delivery still being stored ends the burst no sooner than its `stored`, which looks again.
      const gapLeft = this.#storing === 0 ? this.#options.gapMs - (this.#now() - this.#lastStoredAt) : Infinity;
      this.#lookAgainIn(Math.min(this.#holdLeft(), gapLeft));
    }, Math.max(1, Math.ceil(delayMs)));
    this.#endTimer.unref();
  }
}
