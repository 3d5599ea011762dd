import { setTimeout as sleep } from "node:timers/promises";
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
} from "graphql";
import type { ServerContext } from "../context.js";
import { json, type Reply, type Route } from "../http/types.js";
import { primaryLimitMessage } from "../limits/rate-limits.js";
import { analyzeQuery, type QueryCost } from "./cost.js";
import { formatError, GitHubError } from "./errors.js";
import { GraphqlView } from "./objects.js";
import { githubSchema } from "./schema.js";

const errors = (...list: GraphQLError[]): Reply => json({ errors: list.map(formatError) });

/** Fields the server does not model fail loudly rather than answering a silent null. */
const strictResolver: GraphQLFieldResolver<Record<string, unknown>, unknown> = (source, args, context, info) => {
  if (!(info.fieldName in source)) {
    throw new GitHubError("NOT_IMPLEMENTED", `\`${info.parentType.name}.${info.fieldName}\` is not modelled by the local GitHub server.`);
  }
  const value = source[info.fieldName];
  return typeof value === "function" ? value.call(source, args, context, info) : value;
};

/**
 * `POST /graphql`: parsed, validated and executed against GitHub's schema. Before execution the query is costed
 * statically; the cost is charged to the caller's GraphQL bucket, and a query asking for more nodes than the
 * configured budget models GitHub's 10-second timeout (502 after a delay, points spent).
 */
export function graphqlRoute(context: ServerContext): Route {
  return {
    method: "POST",
    template: "/graphql",
    auth: "token",
    resource: "graphql",
    async handle(request) {
      const { stats, options } = context;
      const body = (request.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
      if (typeof body.query !== "string") return errors(new GraphQLError("A query attribute must be specified and must be a string."));
      const schema = githubSchema();
      let document: DocumentNode;
      try {
        document = parse(body.query);
      } catch (error) {
        stats.current.graphql.errors += 1;
        return errors(error as GraphQLError);
      }
      const invalid = validate(schema, document);
      if (invalid.length > 0) {
        stats.current.graphql.errors += 1;
        return errors(...invalid);
      }
      const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
      const operation = getOperationAST(document, operationName);
      if (!operation) return errors(new GraphQLError("An operation name is required when the document has several operations."));
      if (operation.operation !== "query") return errors(new GitHubError("FORBIDDEN", "Resource not accessible by integration"));
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], (body.variables ?? {}) as Record<string, unknown>);
      if (coerced.errors) return errors(...coerced.errors);
      const fragments = Object.fromEntries(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      let cost: QueryCost;
      try {
        cost = analyzeQuery(schema, operation, fragments, coerced.coerced, options.graphql.maxNodes, options.graphql.countOnlyConnections);
      } catch (error) {
        stats.current.graphql.errors += 1;
        return errors(error as GraphQLError);
      }

      const bucket = request.rateLimit!;
      const identity = request.identity!;
      if (identity.kind === "app") return errors(new GitHubError("FORBIDDEN", "Resource not accessible by integration"));
      if (bucket.remaining < cost.cost) {
        stats.current.rateLimited.primary += 1;
        const caller = identity.kind === "installation" ? `installation:${identity.installationId}` : `user:${identity.person.id}`;
        return errors(new GitHubError("RATE_LIMITED", primaryLimitMessage(caller)));
      }
      bucket.charge(cost.cost);
      stats.graphqlQuery(operation.name?.value ?? "(anonymous)", cost);

      if (cost.nodes > options.graphql.nodeBudget) {
        stats.current.graphql.timeouts += 1;
        await sleep(options.graphql.timeoutDelayMs);
        return {
          status: 502,
          body: {
            data: null,
            errors: [
              {
                message:
                  "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `0000:0000:0000000:0000000:00000000` when reporting this issue.",
              },
            ],
          },
        };
      }

      const view = new GraphqlView(context, { identity, cost, bucket });
      const result = await execute({
        schema,
        document,
        operationName,
        variableValues: coerced.coerced,
        rootValue: view.root(),
        fieldResolver: strictResolver,
      });
      if (result.errors) stats.current.graphql.errors += 1;
      return json({ data: result.data ?? null, ...(result.errors && { errors: result.errors.map(formatError) }) });
    },
  };
}
