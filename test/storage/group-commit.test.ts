import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { groupCommit, savedTogether } from "../../src/storage/group-commit.js";
import { together } from "../helpers/contention.js";

/** A write that records each group it is given and takes `ms` to answer, doubling each call. */
function recordingWrite(ms = 20, fail: (calls: number[]) => boolean = () => false) {
  const groups: number[][] = [];
  const write = async (calls: number[]) => {
    groups.push(calls);
    await sleep(ms);
    if (fail(calls)) throw new Error(`refused ${calls.join(",")}`);
    return calls.map((call) => call * 2);
  };
  return { groups, write };
}

describe("group commit", () => {
  it("sends a call made alone at once, by itself", async () => {
    const { groups, write } = recordingWrite();
    const send = groupCommit(write);
    expect(await send(1)).toBe(2);
    expect(groups).toEqual([[1]]);
  });

  it("sends calls made while a write is in flight together as the next write, each getting its own result", async () => {
    const { groups, write } = recordingWrite();
    const send = groupCommit(write);
    const first = send(0);
    await sleep(5); // the first write is in flight now
    const results = await together(10, (racer) => send(racer + 1));
    expect(await first).toBe(0);
    expect(results).toEqual(Array.from({ length: 10 }, (_, racer) => (racer + 1) * 2));
    expect(groups).toEqual([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });

  it("caps a group, sending the rest in the next write", async () => {
    const { groups, write } = recordingWrite();
    const send = groupCommit(write, 4);
    await together(10, (racer) => send(racer));
    expect(groups).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it("fails only the call the database refuses: a failed group is sent again call by call", async () => {
    const { groups, write } = recordingWrite(5, (calls) => calls.includes(3));
    const send = groupCommit(write);
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((call) => send(call)));
    expect(outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : (outcome.reason as Error).message))).toEqual([2, 4, "refused 3", 8]);
    expect(groups).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it("drops a call whose caller stopped waiting before it was sent, and rejects that caller at once", async () => {
    const { groups, write } = recordingWrite(50);
    const send = groupCommit(write);
    const inFlight = send(1);
    await sleep(5);
    const controller = new AbortController();
    const abandoned = send(2, controller.signal);
    const kept = send(3);
    controller.abort(new Error("answered 503"));
    await expect(abandoned).rejects.toThrow("answered 503");
    expect(await inFlight).toBe(2);
    expect(await kept).toBe(6);
    expect(groups).toEqual([[1], [3]]);
  });

  it("saves records of concurrent calls together, one save per option: calls with different options never share one", async () => {
    const saves: { records: number[]; option: string | undefined }[] = [];
    const save = savedTogether(async (records: number[], option: string | undefined) => {
      saves.push({ records, option });
      await sleep(20);
    });
    const first = save([0]);
    await sleep(5); // the first save is in flight now
    await together(6, (racer) => save([racer + 1, racer + 11], racer % 2 === 0 ? "now" : "later"));
    await first;
    expect(saves[0]).toEqual({ records: [0], option: undefined });
    expect(saves.slice(1).sort((a, b) => String(a.option).localeCompare(String(b.option)))).toEqual([
      { records: [2, 12, 4, 14, 6, 16], option: "later" },
      { records: [1, 11, 3, 13, 5, 15], option: "now" },
    ]);
  });
});
