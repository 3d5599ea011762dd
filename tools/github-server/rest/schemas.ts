import type { components } from "@octokit/openapi-types";

/** A REST response shape from GitHub's OpenAPI description, by its component name. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];
