import { schema as published } from "@octokit/graphql-schema";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

let schema: GraphQLSchema | undefined;

/**
 * GitHub's published GraphQL schema. Built from the introspection result: the published SDL defines two fields
 * twice and fails graphql-js's SDL validation, while the introspection JSON describes the same schema cleanly.
 */
export function githubSchema(): GraphQLSchema {
  if (!schema) {
    const introspection = published.json as unknown as { data?: IntrospectionQuery } & IntrospectionQuery;
    schema = buildClientSchema(introspection.data ?? introspection);
  }
  return schema;
}
