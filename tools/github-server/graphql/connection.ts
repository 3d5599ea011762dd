import { GitHubError } from "./errors.js";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const PREFIX = "cursor:v2:";

export const encodeCursor = (offset: number) => Buffer.from(`${PREFIX}${offset}`).toString("base64");

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64").toString();
  const offset = Number(text.slice(PREFIX.length));
  if (!text.startsWith(PREFIX) || !Number.isInteger(offset) || offset < 0) {
    throw new GitHubError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  }
  return offset;
}

/**
 * A Relay connection over a list, with opaque cursors. Nodes are built only when `nodes`/`edges` are asked for,
 * so `totalCount`-only queries stay cheap.
 */
export function connection<T>(
  items: readonly T[],
  args: ConnectionArgs,
  toNode: (item: T) => unknown,
  edgeFields: (item: T) => object = () => ({}),
) {
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? Math.min(items.length, decodeCursor(args.before)) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  start = Math.min(start, items.length);
  const slice = items.slice(start, Math.max(start, end));
  return {
    totalCount: items.length,
    nodes: () => slice.map(toNode),
    edges: () => slice.map((item, index) => ({ ...edgeFields(item), cursor: encodeCursor(start + index), node: toNode(item) })),
    pageInfo: {
      hasNextPage: start + slice.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start) : null,
      endCursor: slice.length > 0 ? encodeCursor(start + slice.length - 1) : null,
    },
  };
}
