import cliProgress from "cli-progress";
import type { Service } from "../../src/storage/models/import-status.js";
import type { ServiceProgress } from "./import-progress.js";

const LABELS: Record<Service, string> = { pullRequests: "Pull requests", tickets: "Tickets", repos: "Commits" };

/**
 * One terminal progress bar per service, with counts, finished repositories and an ETA. Without a terminal
 * (CI, a log file) the same line is printed every few seconds instead of redrawn.
 */
export class BackfillBars {
  readonly #bars = new Map<Service, cliProgress.SingleBar>();
  readonly #startedAt = Date.now();
  readonly #multibar = new cliProgress.MultiBar(
    {
      format: "  {label} {bar} {value}/{total} · {repositories} repositories · {remaining}",
      barsize: 30,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );

  update(progress: ServiceProgress[]): void {
    for (const service of progress) {
      const payload = {
        label: LABELS[service.service].padEnd(13),
        repositories: `${service.finishedRepositories}/${service.repositories}${service.failedRepositories ? ` (${service.failedRepositories} failed)` : ""}`,
        remaining: this.#remaining(service),
      };
      let bar = this.#bars.get(service.service);
      if (!bar) {
        bar = this.#multibar.create(Math.max(service.total, 1), service.processed, payload);
        this.#bars.set(service.service, bar);
      }
      bar.setTotal(Math.max(service.total, 1));
      bar.update(service.processed, payload);
    }
  }

  /** From the average rate so far: the service's bar stalls while other services take their turn. */
  #remaining(service: ServiceProgress): string {
    if (service.repositories > 0 && service.finishedRepositories === service.repositories) return "done";
    if (service.processed === 0 || service.total <= service.processed) return "ETA –";
    const rate = service.processed / (Date.now() - this.#startedAt);
    return `ETA ${Math.ceil((service.total - service.processed) / rate / 1000)} s`;
  }

  stop(): void {
    this.#multibar.stop();
  }
}
