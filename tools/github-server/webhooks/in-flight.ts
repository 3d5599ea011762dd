/** Webhook sends still under way (redeliveries run in the background), so tests and demos can wait for them. */
export class InFlight {
  private readonly pending = new Set<Promise<void>>();

  track<T>(send: Promise<T>): Promise<T> {
    const done: Promise<void> = send.then(
      () => undefined,
      () => undefined,
    ).finally(() => this.pending.delete(done));
    this.pending.add(done);
    return send;
  }

  /** Resolves once nothing is in flight, including sends started while waiting. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
