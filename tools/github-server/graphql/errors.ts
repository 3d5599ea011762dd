import { GraphQLError, type SourceLocation } from "graphql";

/** GitHub's GraphQL errors carry a top-level `type` (NOT_FOUND, FORBIDDEN, RATE_LIMITED, ...). */
export class GitHubError extends GraphQLError {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FormattedError {
  type?: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<SourceLocation>;
  message: string;
}

export function formatError(error: GraphQLError): FormattedError {
  const original = error.originalError;
  const type = error instanceof GitHubError ? error.type : original instanceof GitHubError ? original.type : undefined;
  return {
    ...(type && { type }),
    ...(error.path && { path: error.path }),
    ...(error.locations && { locations: error.locations }),
    message: error.message,
  };
}
