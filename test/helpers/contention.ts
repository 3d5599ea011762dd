/**
 * Starts `racers` calls of `race` before awaiting any, so their commands reach the database at the same time (a
 * loop of awaits would run them one after another), and waits for all of them.
 */
export function together<T>(racers: number, race: (racer: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: racers }, (_, racer) => race(racer)));
}
