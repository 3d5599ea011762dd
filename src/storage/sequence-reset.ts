/**
 * An update that changes a data record also takes its position in the data API's sequence away (see
 * data-sequence.ts): the record is given a new one, after every reader's cursor, so each reader gets its new version
 * once, later, and none gets it at the old position.
 */
export function resequenced<Update extends { $set: Record<string, unknown> }>(update: Update): Update & { $unset: { sequence: "" } } {
  return { ...update, $unset: { sequence: "" } };
}
