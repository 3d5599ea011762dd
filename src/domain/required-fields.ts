import { gitHubTime } from "./installation.js";

/**
 * A webhook payload lacks a field a record needs (its key, number, state or times), or has it with the wrong type.
 * The payload was validated before its handler ran; this is the mapping's own guard, so a record is never stored
 * partial and a malformed payload fails with its path rather than a TypeError.
 */
export class InvalidPayloadError extends Error {
  override readonly name = "InvalidPayloadError";

  constructor(
    /** Where in the payload, e.g. `pull_request.number`. */
    readonly path: string,
    problem: string,
  ) {
    super(`${path} ${problem}`);
  }
}

const CHECKS = {
  integer: (value: unknown) => Number.isSafeInteger(value),
  string: (value: unknown) => typeof value === "string",
  object: (value: unknown) => typeof value === "object" && !Array.isArray(value),
  array: (value: unknown) => Array.isArray(value),
};

/** `value` as its declared type, once it is there with the type the payload's types promise. */
export function required<T>(value: T | null | undefined, path: string, type: keyof typeof CHECKS): T {
  if (value === null || value === undefined) throw new InvalidPayloadError(path, "is required");
  if (!CHECKS[type](value)) throw new InvalidPayloadError(path, `must be ${type}`);
  return value;
}

/** A time the record cannot do without: unlike `gitHubTime`, a missing one is not "now". */
export function requiredTime(value: string | number | null | undefined, path: string): Date {
  if (value === null || value === undefined) throw new InvalidPayloadError(path, "is required");
  const time = typeof value === "string" || typeof value === "number" ? gitHubTime(value, new Date(Number.NaN)) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) throw new InvalidPayloadError(path, "must be a time");
  return time;
}
