import type { components } from "@octokit/openapi-types";
import { examplePayload } from "./webhooks.js";

type RestRepository = components["schemas"]["repository"];
type RestInstallation = components["schemas"]["installation"];

/** The fields of a REST repository that Tributary reads; GitHub sends many more. */
export function restRepository(
  id: number,
  fullName: string,
  overrides: Partial<RestRepository> = {},
): Pick<RestRepository, "id" | "node_id" | "name" | "full_name" | "private" | "visibility" | "archived" | "default_branch"> {
  return {
    id,
    node_id: Buffer.from(`010:Repository${id}`).toString("base64"),
    name: fullName.split("/")[1]!,
    full_name: fullName,
    private: false,
    visibility: "public",
    archived: false,
    default_branch: "main",
    ...overrides,
  };
}

/** An installation as `GET /app/installations` returns it, built from the real webhook example's installation. */
export function restInstallation(id: number, login: string, overrides: Partial<RestInstallation> = {}): RestInstallation {
  const { installation } = examplePayload("installation", (p) => p.action === "created");
  return {
    ...(installation as unknown as RestInstallation),
    id,
    account: { ...(installation.account as unknown as NonNullable<RestInstallation["account"]>), id: id * 10, login },
    target_type: "Organization",
    updated_at: "2026-01-01T00:00:00Z",
    suspended_at: null,
    suspended_by: null,
    ...overrides,
  };
}
