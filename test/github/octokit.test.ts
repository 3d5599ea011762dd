import nock from "nock";
import { describe, expect, it } from "vitest";
import { TributaryOctokit } from "../../src/github/probot.js";
import { createTestProbot } from "../helpers/probot.js";
import { mockInstallationToken } from "../helpers/scripted-github.js";

const SECONDARY_LIMIT = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." };
const VIEWER_QUERY = "query { viewer { login } }";

function secondaryLimitThenAnswer() {
  return nock("https://api.github.com")
    .post("/graphql")
    .reply(403, SECONDARY_LIMIT, { "retry-after": "1" })
    .post("/graphql")
    .reply(200, { data: { viewer: { login: "tributary[bot]" } } });
}

describe("installation clients", () => {
  it("keep Tributary's throttling: a query that meets a secondary limit waits for retry-after and is sent again", async () => {
    const probot = createTestProbot(TributaryOctokit);
    mockInstallationToken(77);
    secondaryLimitThenAnswer();
    const octokit = await probot.auth(77);
    await expect(octokit.graphql(VIEWER_QUERY)).resolves.toEqual({ viewer: { login: "tributary[bot]" } });
  });

  it("keep throttling off when a client is built without it (tests see every answer as GitHub gave it)", async () => {
    const probot = createTestProbot();
    mockInstallationToken(77);
    const github = secondaryLimitThenAnswer();
    const octokit = await probot.auth(77);
    await expect(octokit.graphql(VIEWER_QUERY)).rejects.toMatchObject({ status: 403 });
    expect(github.pendingMocks()).toHaveLength(1);
    nock.cleanAll();
  });
});
