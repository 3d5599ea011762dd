import type { RepositoryEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { clearDatabase } from "../helpers/database.js";
import { HELLO_WORLD, inInstallation, install } from "../helpers/ingestion.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { storedRepository } from "../helpers/records.js";
import { exampleAction } from "../helpers/webhooks.js";

const probot = createTestProbot();

/** Hello-World (granted by the installation) after `action`, as GitHub describes it at `updatedAt`. */
function repositoryEvent(action: string, updatedAt: string, adjust: (repository: RepositoryEvent["repository"]) => void = () => {}): RepositoryEvent {
  const payload = inInstallation({ ...exampleAction("repository", "publicized"), action } as RepositoryEvent);
  payload.repository.updated_at = updatedAt;
  adjust(payload.repository);
  return payload;
}

beforeEach(async () => {
  await clearDatabase();
  await install(probot);
});

describe("repository", () => {
  it("stores the repos service's metadata and follows renames, archiving and visibility changes", async () => {
    await deliver(probot, "repository", inInstallation(exampleAction("repository", "privatized")));
    expect(await storedRepository(HELLO_WORLD)).toMatchObject({
      visibility: "private",
      fork: false,
      defaultBranch: "master",
      createdAt: new Date("2019-05-15T15:19:25Z"),
      updatedAt: new Date("2019-05-15T15:21:02Z"),
    });

    await deliver(probot, "repository", repositoryEvent("renamed", "2019-05-15T15:30:00Z", (repo) => Object.assign(repo, { name: "Hi-World", full_name: "Codertocat/Hi-World" })));
    await deliver(probot, "repository", repositoryEvent("archived", "2019-05-15T15:31:00Z", (repo) => Object.assign(repo, { name: "Hi-World", full_name: "Codertocat/Hi-World", archived: true, topics: ["demo"] })));
    // The real `publicized` example, older than both: ignored.
    await deliver(probot, "repository", inInstallation(exampleAction("repository", "publicized")));

    expect(await storedRepository(HELLO_WORLD)).toMatchObject({ name: "Hi-World", fullName: "Codertocat/Hi-World", archived: true, topics: ["demo"], visibility: "public", granted: true });
  });

  it("keeps a deleted repository's record, no longer granted", async () => {
    await deliver(probot, "repository", repositoryEvent("deleted", "2019-05-15T15:30:00Z"));
    const repository = await storedRepository(HELLO_WORLD);
    expect(repository.granted).toBe(false);
    expect(repository.deletedAt).toBeInstanceOf(Date);
  });

  it("treats a transfer to an account the installation does not cover as leaving it", async () => {
    await deliver(probot, "repository", repositoryEvent("transferred", "2019-05-15T15:30:00Z", (repo) => Object.assign(repo.owner, { id: 38302899, login: "Octocoders" })));
    expect(await storedRepository(HELLO_WORLD)).toMatchObject({ granted: false, deletedAt: expect.any(Date) });

    await clearDatabase();
    await install(probot);
    await deliver(probot, "repository", repositoryEvent("transferred", "2019-05-15T15:30:00Z"));
    expect(await storedRepository(HELLO_WORLD)).toMatchObject({ granted: true });
  });
});
