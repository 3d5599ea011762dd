import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import { allowLoopback, appJwt, call, graphql, installationToken, startSmallServer } from "./helpers.js";

/*
 * Two installations of the app, each with repositories of its own: the local server's stand-in for two
 * organizations (GitHub allows one installation per account), so one app can backfill two installations at once.
 */
let server: GitHubServer;

beforeAll(async () => {
  allowLoopback();
  server = await startSmallServer({ installation: { preinstalled: false } });
});

afterAll(() => server.close());

describe("several installations", () => {
  it("each see their own repositories, through REST and GraphQL, and webhooks name the installation that covers the repository", async () => {
    const [first, second, third] = server.org.org.repos.map((repo) => repo.name);
    await server.simulateInstall({ id: 11, repositories: [first!] });
    await server.simulateInstall({ id: 12, repositories: [second!, third!] });
    expect(server.installations().map((installation) => installation.id)).toEqual([11, 12]);
    expect((await call(`${server.apiUrl}/app/installations`, { token: appJwt() })).body.map((installation: { id: number }) => installation.id)).toEqual([11, 12]);

    const tokens = { 11: await installationToken(server, 11), 12: await installationToken(server, 12) };
    const listed = async (id: 11 | 12) => (await call(`${server.apiUrl}/installation/repositories`, { token: tokens[id] })).body.repositories.map((repo: { name: string }) => repo.name);
    expect(await listed(11)).toEqual([first]);
    expect(await listed(12)).toEqual([second, third]);
    const pulls = (id: 11 | 12, name: string) => call(`${server.apiUrl}/repos/${server.org.org.login}/${name}/pulls`, { token: tokens[id] });
    expect((await pulls(11, first!)).status).toBe(200);
    expect((await pulls(11, second!)).status).toBe(404);
    expect((await pulls(12, second!)).status).toBe(200);
    const query = `query($name: String!) { repository(owner: "${server.org.org.login}", name: $name) { name } }`;
    expect((await graphql(server, tokens[12], query, { name: third })).body.data?.repository).toEqual({ name: third });
    expect((await graphql(server, tokens[11], query, { name: third })).body.errors?.[0]?.type).toBe("NOT_FOUND");

    const deliveries = await server.simulateActivity({ pullRequests: 6 });
    expect(new Set(deliveries.map((delivery) => delivery.installationId))).toEqual(new Set([11, 12]));
  });

  it("refuse a further installation of the whole organization or of a repository already installed", async () => {
    await expect(server.simulateInstall({ id: 13 })).rejects.toThrow(/a further installation selects repositories/);
    await expect(server.simulateInstall({ id: 13, repositories: [server.org.org.repos[0]!.name] })).rejects.toThrow(/already in an installation/);
    await expect(server.simulateInstall({ id: 12, repositories: [] })).rejects.toThrow(/already has installation 12/);
  });
});
