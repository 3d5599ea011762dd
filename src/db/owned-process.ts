import { spawn, type ChildProcess } from "node:child_process";

/** A user to run as instead of this process's own. */
export interface Identity {
  uid: number;
  gid: number;
}

/** setpriv's arguments that switch to `identity`, if given. */
export function switchTo(identity?: Identity): string[] {
  return identity ? ["--reuid", String(identity.uid), "--regid", String(identity.gid), "--clear-groups"] : [];
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it printed, to tell why it stopped. */
  output: string;
}

/**
 * A child process that stops with this one: `setpriv --pdeathsig` has the kernel send it its stop signal when its parent
 * dies, however the parent dies (kill -9 included), so no orphan keeps the cluster locked; as root it also drops to the
 * cluster owner.
 */
export class OwnedProcess {
  private readonly child: ChildProcess;
  private output = "";
  private exit?: ProcessExit;
  /** Settles once the process has exited, or could not be started at all. */
  readonly exited: Promise<ProcessExit>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    private readonly stopSignal: NodeJS.Signals,
    identity?: Identity,
  ) {
    this.child = spawn("setpriv", ["--pdeathsig", stopSignal, ...switchTo(identity), "--", command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (text: string) => (this.output = (this.output + text).slice(-4000));
    this.child.stdout?.on("data", (chunk: Buffer) => keep(chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => keep(chunk.toString()));
    this.exited = new Promise((resolveExit) => {
      const settle = (code: number | null, signal: NodeJS.Signals | null) => {
        this.exit ??= { code, signal, output: this.output.trim() };
        resolveExit(this.exit);
      };
      this.child.once("exit", settle);
      // A process that cannot be started (or signalled) reports "error", which would throw if nobody listened; one
      // that never started emits no "exit".
      this.child.on("error", (error) => {
        keep(`\n${error.message}`);
        if (this.child.pid === undefined) settle(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  describeExit(): string {
    const { code, signal, output } = this.exit ?? { code: null, signal: null, output: this.output.trim() };
    return `${this.name} exited with ${signal ?? `code ${code}`}:\n${output}`;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill(this.stopSignal);
    // A stopped (SIGSTOP) or wedged process ignores its stop signal.
    const forced = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(forced);
  }
}
