/** Sends a group of calls as one round trip; returns one result per call, in order. */
export type GroupWrite<Call, Result> = (calls: Call[]) => Promise<Result[]>;

interface Waiting<Call, Result> {
  call: Call;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * A database's group commit, for the app's hottest statements: calls made while the previous round trip is in flight
 * wait for it to end, then go together as the next one. Alone, a call goes at once (after the current tick, so that
 * calls made together go together); under load one round trip serves many callers, and the database's and this
 * process's work per call shrinks as load grows. When a group fails, each of its calls is sent again alone, so one
 * call the database refuses fails by itself and not the calls it happened to travel with.
 *
 * A caller that stops waiting (`signal` aborted: it answered its request already) is rejected at once and, if its
 * call has not been sent yet, dropped, so nothing piles up in memory while the database is away.
 */
export function groupCommit<Call, Result>(write: GroupWrite<Call, Result>, maxGroup = 500) {
  const waiting: Waiting<Call, Result>[] = [];
  let sending = false;

  async function send(): Promise<void> {
    while (waiting.length > 0) {
      const group = waiting.splice(0, maxGroup);
      try {
        const results = await write(group.map(({ call }) => call));
        group.forEach((entry, index) => entry.resolve(results[index]!));
      } catch (error) {
        if (group.length === 1) group[0]!.reject(error);
        else await Promise.all(group.map((entry) => sendAlone(entry)));
      }
    }
    sending = false;
  }

  async function sendAlone(entry: Waiting<Call, Result>): Promise<void> {
    try {
      const [result] = await write([entry.call]);
      entry.resolve(result!);
    } catch (error) {
      entry.reject(error);
    }
  }

  return (call: Call, signal?: AbortSignal): Promise<Result> =>
    new Promise<Result>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const entry: Waiting<Call, Result> = { call, resolve, reject };
      waiting.push(entry);
      signal?.addEventListener(
        "abort",
        () => {
          const position = waiting.indexOf(entry);
          if (position >= 0) waiting.splice(position, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      if (!sending) {
        sending = true;
        setImmediate(() => void send());
      }
    });
}

/**
 * A save of records whose concurrent calls are written together, as one save of all their records (see groupCommit).
 * Calls with different options are grouped apart: one save is made per option value.
 */
export function savedTogether<Record, Option = undefined>(
  save: (records: Record[], option: Option) => Promise<void>,
): (records: Record[], option?: Option) => Promise<void> {
  const groups = new Map<Option | undefined, (calls: Record[]) => Promise<undefined>>();
  const groupOf = (option: Option | undefined) => {
    let group = groups.get(option);
    if (!group) {
      group = groupCommit(async (calls: Record[][]) => {
        await save(calls.flat(), option as Option);
        return calls.map(() => undefined);
      });
      groups.set(option, group);
    }
    return group;
  };
  return (records, option) => groupOf(option)(records);
}
