/** A job's run starting or ending on a worker (of some replica). */
export interface JobRunEvent {
  kind: "start" | "end";
  worker: string;
  key: string;
  installationId: number;
}

/**
 * Replays runs' starts and ends in the order they happened: the most jobs of each installation running at once, and
 * every key seen running on two workers at once.
 */
export function replayJobRuns(events: JobRunEvent[]): { peak: Record<number, number>; overlappingKeys: string[] } {
  const runningPerInstallation = new Map<number, number>();
  const runningKeys = new Map<string, string>();
  const peak = new Map<number, number>();
  const overlappingKeys: string[] = [];
  for (const { kind, worker, key, installationId } of events) {
    const running = (runningPerInstallation.get(installationId) ?? 0) + (kind === "start" ? 1 : -1);
    runningPerInstallation.set(installationId, running);
    peak.set(installationId, Math.max(peak.get(installationId) ?? 0, running));
    if (kind === "end") runningKeys.delete(key);
    else if (runningKeys.has(key)) overlappingKeys.push(`${key} on ${runningKeys.get(key)} and ${worker}`);
    else runningKeys.set(key, worker);
  }
  return { peak: Object.fromEntries(peak), overlappingKeys };
}
