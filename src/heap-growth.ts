import { setFlagsFromString } from "node:v8";

/** How far past what survived the last full garbage collection the heap may grow before the next one starts. */
export const HEAP_GROWTH_PERCENT = 100;

const FLAG = "--heap-growing-percent";

/**
 * Lets the heap grow to twice what survives a full collection before the next one, unless `node` was started with a
 * `--heap-growing-percent` of its own. V8's factor adapts to how fast it collects against how fast the app allocates,
 * and on a small, busy machine it stays near its minimum (1.1 to 1.3): a burst of webhooks, whose deliveries wait in
 * memory while the burst is stored, then set off four or five full collections of the whole heap, each marking every
 * live object on the machine's cores. With this, one (the bench's burst of 1,000 deliveries on two cores: the app's
 * CPU per delivery a fifth lower). The heap's ceiling is unchanged; the price is up to twice the live heap in garbage.
 */
export function letHeapGrowForBursts(execArgv = process.execArgv, setFlags = setFlagsFromString): void {
  if (execArgv.some((argument) => argument === FLAG || argument.startsWith(`${FLAG}=`))) return;
  setFlags(`${FLAG}=${HEAP_GROWTH_PERCENT}`);
}
