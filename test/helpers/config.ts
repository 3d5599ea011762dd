import { ConfigError, loadConfig } from "../../src/config.js";

/** The problems `loadConfig` names for an environment that must be rejected. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
