/**
 * An update that changes a data record also takes its position in the data API's sequence away (see
 * data-sequence.ts): the record is given a new one, after every reader's cursor, so each reader gets its new version
 * once, later, and none gets it at the old position.
 */
export function resequenced<Update extends { $set: Record<string, unknown> }>(update: Update): Update & { $unset: { sequence: "" } } {
  return { ...update, $unset: { sequence: "" } };
}

/**
 * A filter part matching only a stored record that differs from `fields` somewhere (undefined values are not
 * written, so not compared): an update that would change nothing is not made, and does not bring the record again.
 */
export function differingFrom(fields: Record<string, unknown>): { $nor: Record<string, unknown>[] } {
  return { $nor: [Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))] };
}
