import mongoose, { type Model } from "mongoose";

/** What the database's planner chose for a query: the indexes it scans, and whether it reads the whole collection. */
export interface QueryPlan {
  /** Names of the indexes the winning plan scans, as the schema names them (e.g. `githubId_1`). */
  indexes: string[];
  /** True when some branch of the plan reads every document (MongoDB's COLLSCAN, PostgreSQL's Seq Scan). */
  scansCollection: boolean;
  /** True when the plan sorts documents itself rather than reading them in index order. */
  sorts: boolean;
}

/** A query the database can explain. FerretDB explains only these three (updates, deletes and findAndModify not). */
export type ExplainableQuery =
  | { find: Model<any>; filter: Record<string, unknown>; projection?: Record<string, unknown>; sort?: Record<string, 1 | -1>; limit?: number }
  | { aggregate: Model<any>; pipeline: Record<string, unknown>[] }
  | { count: Model<any>; query: Record<string, unknown> };

function explainCommand(query: ExplainableQuery): Record<string, unknown> {
  if ("find" in query) {
    const { find, ...options } = query;
    return { find: find.collection.collectionName, ...options };
  }
  if ("aggregate" in query) return { aggregate: query.aggregate.collection.collectionName, pipeline: query.pipeline, cursor: {} };
  return { count: query.count.collection.collectionName, query: query.query };
}

/**
 * Asks the planner how it would run `query` (`explain` with verbosity "queryPlanner", nothing is executed). To check
 * an update, explain a find with the update's filter: the same planner picks the documents either way.
 */
export async function queryPlan(query: ExplainableQuery): Promise<QueryPlan> {
  const explained = await mongoose.connection.db!.command({ explain: explainCommand(query), verbosity: "queryPlanner" });
  const plan: QueryPlan = { indexes: [], scansCollection: false, sorts: false };
  visitPlan(explained, plan);
  plan.indexes = [...new Set(plan.indexes)].sort();
  return plan;
}

type Filter = Record<string, unknown>;

/** The explainable form of one command mongoose sent: updates (alone or in a bulk write) are explained as finds. */
function explainable(model: Model<any>, method: string, args: unknown[]): ExplainableQuery[] {
  const [first, second] = args as [unknown, { projection?: Filter; sort?: Record<string, 1 | -1>; limit?: number } | undefined];
  switch (method) {
    case "find":
    case "findOne":
      return [{ find: model, filter: first as Filter, ...second }];
    case "updateOne":
    case "updateMany":
    case "findOneAndUpdate":
    case "deleteOne":
    case "deleteMany":
      return [{ find: model, filter: first as Filter }];
    case "countDocuments":
      return [{ count: model, query: first as Filter }];
    case "aggregate":
      return [{ aggregate: model, pipeline: first as Filter[] }];
    case "bulkWrite":
      return (first as Record<string, { filter?: Filter }>[]).flatMap((operation) =>
        Object.values(operation).flatMap((statement) => (statement.filter ? [{ find: model, filter: statement.filter }] : [])),
      );
    default:
      return [];
  }
}

/**
 * The queries `action` sends to the database, as mongoose hands them to the driver (its debug hook): what the app
 * really asks, ready for `queryPlan`. Inserts are left out (they have no plan).
 */
export async function queriesSentBy(action: () => Promise<unknown>): Promise<ExplainableQuery[]> {
  const models = new Map(Object.values(mongoose.connection.models).map((model) => [model.collection.collectionName, model]));
  const sent: ExplainableQuery[] = [];
  mongoose.set("debug", (collection: string, method: string, ...args: unknown[]) => {
    const model = models.get(collection);
    if (model) sent.push(...explainable(model, method, args));
  });
  try {
    await action();
  } finally {
    mongoose.set("debug", false);
  }
  return sent;
}

/**
 * Walks both shapes of plan. MongoDB: nested `stage`s (IXSCAN with `indexName`, COLLSCAN, SORT), under
 * `winningPlan` (or each `$cursor` stage of a pipeline). DocumentDB: PostgreSQL plan nodes (`Node Type` "Index Scan",
 * "Bitmap Index Scan" with `Index Name`, "Seq Scan", "Sort"); there every collection is one shard, and a scan of the
 * `_id_` index on the shard key alone reads the whole collection.
 */
function visitPlan(node: unknown, plan: QueryPlan): void {
  if (Array.isArray(node)) {
    for (const child of node) visitPlan(child, plan);
    return;
  }
  if (!node || typeof node !== "object") return;
  const fields = node as Record<string, unknown>;
  const stage = fields.stage ?? fields["Node Type"];
  if (stage === "COLLSCAN" || stage === "Seq Scan") plan.scansCollection = true;
  if (stage === "SORT" || stage === "Sort" || stage === "Incremental Sort") plan.sorts = true;
  const index = fields.indexName ?? fields["Index Name"];
  if (typeof index === "string") {
    const condition = String(fields["Index Cond"] ?? "");
    if (/^\(shard_key_value = [^)]*\)$/.test(condition)) plan.scansCollection = true;
    else plan.indexes.push(index);
  }
  for (const [key, child] of Object.entries(fields)) {
    // Plans MongoDB considered and dropped, and the echoed command, say nothing of the plan that runs.
    if (key !== "rejectedPlans" && key !== "command") visitPlan(child, plan);
  }
}
