import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  isInterfaceType,
  isCompositeType,
} from "graphql";
import type { CountOnlyCharge } from "../options.js";
import { GitHubError } from "./errors.js";

export interface QueryCost {
  /** Requests GitHub counts to fulfil every connection at its `first`/`last` size. */
  requests: number;
  /** Of those, the requests of connections that select only `totalCount` (see CountOnlyCharge). */
  countOnlyRequests: number;
  /** Points charged: requests / 100, rounded, at least 1. */
  cost: number;
  /** The points under each reading of how count-only connections are charged; `cost` is one of them. */
  costs: Record<CountOnlyCharge, number>;
  /** Nodes the query may return (what GitHub's 500,000-node limit counts). */
  nodes: number;
}

const points = (requests: number) => Math.max(1, Math.round(requests / 100));

const MAX_PAGE = 100;

function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const type = getNamedType(field.type);
  return isObjectType(type) && type.name.endsWith("Connection") && field.args.some((arg) => arg.name === "first");
}

/** Whether a connection's selection reads its items (`nodes`/`edges`), not just `totalCount`/`pageInfo`. */
function selectsItems(selectionSet: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>): boolean {
  return (selectionSet?.selections ?? []).some((selection) => {
    if (selection.kind === "Field") return selection.name.value === "nodes" || selection.name.value === "edges";
    if (selection.kind === "InlineFragment") return selectsItems(selection.selectionSet, fragments);
    return selectsItems(fragments[selection.name.value]?.selectionSet, fragments);
  });
}

/**
 * Static analysis of a query, as GitHub documents it: every connection must say `first` or `last` (at most 100);
 * a connection's size multiplies everything below it; the cost is the number of requests needed divided by 100.
 */
export function analyzeQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  maxNodes: number,
  countOnlyConnections: CountOnlyCharge = "per-parent",
): QueryCost {
  let requests = 0;
  let countOnlyRequests = 0;
  let nodes = 0;

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === "InlineFragment") {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, multiplier, seen);
        continue;
      }
      if (selection.kind === "FragmentSpread") {
        const name = selection.name.value;
        const fragment = fragments[name];
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type) && !seen.has(name)) walk(fragment.selectionSet, type, multiplier, new Set([...seen, name]));
        continue;
      }
      if (selection.name.value.startsWith("__") || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      const args = getArgumentValues(field, selection, variables);
      let childMultiplier = multiplier;
      if (isConnection(field)) {
        const size = (args.first ?? args.last) as number | undefined;
        const which = args.first !== undefined ? "first" : "last";
        if ((size === undefined || size === null) && !selectsItems(selection.selectionSet, fragments)) {
          // `totalCount` alone needs no page size on GitHub.
          countOnlyRequests += multiplier;
          continue;
        }
        if (size === undefined || size === null) {
          throw new GitHubError("MISSING_PAGINATION_BOUNDARIES", `You must provide a \`first\` or \`last\` value to properly paginate the \`${field.name}\` connection.`);
        }
        if (size > MAX_PAGE) {
          throw new GitHubError("EXCESSIVE_PAGINATION", `Requesting ${size} records on the \`${field.name}\` connection exceeds the \`${which}\` limit of ${MAX_PAGE} records.`);
        }
        requests += multiplier;
        nodes += multiplier * size;
        if (nodes > maxNodes) {
          throw new GitHubError(
            "MAX_NODE_LIMIT_EXCEEDED",
            `By the time this query traverses to the ${field.name} connection, it is requesting up to ${nodes.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of ${maxNodes.toLocaleString("en-US")}.`,
          );
        }
        childMultiplier = multiplier * size;
      } else if (field.name === "nodes" && Array.isArray(args.ids)) {
        nodes += multiplier * args.ids.length;
        childMultiplier = multiplier * args.ids.length;
      }
      const type = getNamedType(field.type);
      if (selection.selectionSet && isCompositeType(type)) walk(selection.selectionSet, type, childMultiplier, seen);
    }
  };

  const root = operation.operation === "query" ? schema.getQueryType() : schema.getMutationType();
  if (root) walk(operation.selectionSet, root, 1, new Set());
  const costs = { "per-parent": points(requests + countOnlyRequests), free: points(requests) };
  return { requests: requests + countOnlyRequests, countOnlyRequests, nodes, costs, cost: costs[countOnlyConnections] };
}
