import type { Probot } from "probot";
import { clearDatabase } from "./database.js";
import { install } from "./ingestion.js";

/** An empty database, then the app installed (granting Hello-World) with no jobs queued: where a webhook test starts. */
export async function freshInstall(probot: Probot): Promise<void> {
  await clearDatabase();
  await install(probot);
}
