import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import { allowLoopback, appJwt, call, graphql, installationToken, startSmallServer } from "./helpers.js";
import { Receiver, type Received } from "./receiver.js";

const SECRET = "webhook-secret-for-tests";
const receiver = new Receiver();
let server: GitHubServer;

/** The webhook JSON schemas, compiled per definition (`pull_request$opened`, `push$event`, ...). */
const webhookSchemas = (() => {
  const path = createRequire(import.meta.url).resolve("@octokit/webhooks-schemas");
  const schema = JSON.parse(readFileSync(path, "utf8")) as object;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  ajv.addSchema(schema, "webhooks");
  return (definition: string, body: unknown): string[] => {
    const validate = ajv.getSchema(`webhooks#/definitions/${definition}`);
    if (!validate) return [`no schema for ${definition}`];
    return validate(body) ? [] : (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };
})();

const definitionOf = (delivery: Received) => `${delivery.headers["x-github-event"]}$${delivery.body.action ?? "event"}`;

beforeAll(async () => {
  allowLoopback();
  await receiver.start();
  server = await startSmallServer({ installation: { preinstalled: false }, app: { webhookUrl: receiver.url, webhookSecret: SECRET } });
});

afterAll(async () => {
  await server.close();
  await receiver.stop();
});

describe("webhooks", () => {
  it("announce an installation with a signed installation.created delivery", async () => {
    expect(server.installation()).toBeNull();
    const { installation, delivery } = await server.simulateInstall();
    expect(delivery.status).toBe("OK");
    const [sent] = receiver.received;
    expect(sent!.headers["x-github-event"]).toBe("installation");
    expect(sent!.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent!.headers["x-hub-signature-256"]).toBe(`sha256=${createHmac("sha256", SECRET).update(sent!.raw).digest("hex")}`);
    expect(webhookSchemas("installation$created", sent!.body)).toEqual([]);
    expect(webhookSchemas("installation$created", { ...sent!.body, invented: true }), "the schemas are strict").not.toEqual([]);
    expect(sent!.body.repositories).toHaveLength(server.org.org.repos.length);
    expect(sent!.body.installation.id).toBe(installation.id);
  });

  it("announce live activity with bodies shaped like GitHub's", async () => {
    receiver.received = [];
    const deliveries = await server.simulateActivity({ pullRequests: 2, reviews: 3, pushes: 4, merges: 1, issues: 4, comments: 2 });
    expect(deliveries.every((d) => d.status === "OK")).toBe(true);
    expect(receiver.received).toHaveLength(deliveries.length);
    const events = new Set(receiver.received.map(definitionOf));
    for (const event of ["pull_request$opened", "pull_request_review$submitted", "push$event", "pull_request$closed", "issues$opened", "issue_comment$created"]) {
      expect(events).toContain(event);
    }
    for (const delivery of receiver.received) {
      expect(webhookSchemas(definitionOf(delivery), delivery.body), definitionOf(delivery)).toEqual([]);
      expect(delivery.headers["x-hub-signature-256"]).toBe(`sha256=${createHmac("sha256", SECRET).update(delivery.raw).digest("hex")}`);
    }
  });

  it("announce repository selection changes", async () => {
    receiver.received = [];
    const [first, second] = server.org.org.repos;
    await server.simulateRepositoryChange({ remove: [first!.name] });
    await server.simulateRepositoryChange({ add: [first!.name] });
    expect(receiver.received.map(definitionOf)).toEqual(["installation_repositories$removed", "installation_repositories$added"]);
    for (const delivery of receiver.received) expect(webhookSchemas(definitionOf(delivery), delivery.body)).toEqual([]);
    expect(second).toBeDefined();
  });

  it("change what REST and GraphQL serve afterwards", async () => {
    receiver.received = [];
    await server.simulateActivity({ pullRequests: 1, pushes: 0 });
    const opened = receiver.received.find((d) => definitionOf(d) === "pull_request$opened")!.body;
    const token = await installationToken(server);
    const [owner, name] = (opened.repository.full_name as string).split("/");
    const rest = await call(`${server.apiUrl}/repos/${owner}/${name}/pulls/${opened.number}`, { token });
    expect(rest.body).toMatchObject({ id: opened.pull_request.id, title: opened.pull_request.title, state: "open" });
    const gql = await graphql(server, token, `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) {
      pullRequest(number: $number) { databaseId commits(first: 10) { totalCount } } } }`, { owner, name, number: opened.number });
    expect(gql.body.data.repository.pullRequest).toMatchObject({ databaseId: opened.pull_request.id, commits: { totalCount: opened.pull_request.commits } });
  });

  it("mark a draft ready for review: pull_request.ready_for_review, and GraphQL's timeline has the event", async () => {
    receiver.received = [];
    const deliveries = await server.simulateActivity({ readyForReview: 1 });
    expect(deliveries).toMatchObject([{ event: "pull_request", action: "ready_for_review", status: "OK" }]);
    const { body } = receiver.received[0]!;
    expect(webhookSchemas(definitionOf(receiver.received[0]!), body)).toEqual([]);
    expect(body.pull_request).toMatchObject({ draft: false, state: "open" });
    const token = await installationToken(server);
    const [owner, name] = (body.repository.full_name as string).split("/");
    const gql = await graphql(server, token, `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) {
      pullRequest(number: $number) { isDraft updatedAt timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT], last: 1) { nodes { ... on ReadyForReviewEvent { createdAt } } } } } }`, { owner, name, number: body.number });
    // GitHub moves updated_at as the pull request leaves draft: the event's time.
    expect(gql.body.data.repository.pullRequest).toEqual({ isDraft: false, updatedAt: body.pull_request.updated_at, timelineItems: { nodes: [{ createdAt: body.pull_request.updated_at }] } });
  });

  it("are listed like GET /app/hook/deliveries, newest first, by cursor", async () => {
    const jwt = appJwt();
    const first = await call(`${server.apiUrl}/app/hook/deliveries?per_page=2`, { token: jwt });
    expect(first.body).toHaveLength(2);
    expect(first.body[0].id).toBeGreaterThan(first.body[1].id);
    const next = /<([^>]+)>;\s*rel="next"/.exec(first.headers.link!)![1]!;
    const second = await call(next, { token: jwt });
    expect(second.body[0].id).toBeLessThan(first.body[1].id);
    const detail = await call(`${server.apiUrl}/app/hook/deliveries/${first.body[0].id}`, { token: jwt });
    expect(detail.body.request.payload).toBeDefined();
  });
});

describe("activity that takes things away", () => {
  const issueQuery = `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { issue(number: $number) { databaseId title } } }`;
  const sentOnly = () => {
    for (const delivery of receiver.received) expect(webhookSchemas(definitionOf(delivery), delivery.body), definitionOf(delivery)).toEqual([]);
    return receiver.received.map(definitionOf);
  };

  it("deletes an issue: issues.deleted, then REST answers 410 and GraphQL finds nothing", async () => {
    receiver.received = [];
    await server.simulateActivity({ deletions: 1 });
    expect(sentOnly()).toEqual(["issues$deleted"]);
    const { issue, repository } = receiver.received[0]!.body;
    const [owner, name] = (repository.full_name as string).split("/");
    const token = await installationToken(server);
    expect((await call(`${server.apiUrl}/repos/${repository.full_name}/issues/${issue.number}`, { token })).status).toBe(410);
    const listed = await call<Array<{ id: number }>>(`${server.apiUrl}/repos/${repository.full_name}/issues?state=all&per_page=100`, { token });
    expect(listed.body.map((item) => item.id)).not.toContain(issue.id);
    const gql = await graphql(server, token, issueQuery, { owner, name, number: issue.number });
    expect(gql.body.errors?.[0]?.type).toBe("NOT_FOUND");
    const byNode = await graphql(server, token, `query($id: ID!) { node(id: $id) { id } }`, { id: issue.node_id });
    expect(byNode.body.errors?.[0]?.type).toBe("NOT_FOUND");
  });

  it("transfers an issue: issues.opened in the target, issues.transferred in the source, the old number redirecting to the new", async () => {
    receiver.received = [];
    await server.simulateActivity({ transfers: 1 });
    expect(sentOnly()).toEqual(["issues$opened", "issues$transferred"]);
    const [opened, transferred] = receiver.received.map((delivery) => delivery.body);
    const { new_issue: moved, new_repository: target } = transferred.changes;
    expect(opened.issue.id).toBe(moved.id);
    expect(opened.repository.full_name).toBe(target.full_name);
    expect(target.full_name).not.toBe(transferred.repository.full_name);
    expect(moved).toMatchObject({ title: transferred.issue.title, comments: transferred.issue.comments });
    expect(moved.id).not.toBe(transferred.issue.id);

    const token = await installationToken(server);
    const old = await call(`${server.apiUrl}/repos/${transferred.repository.full_name}/issues/${transferred.issue.number}`, { token });
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe(`${server.apiUrl}/repos/${target.full_name}/issues/${moved.number}`);
    const now = await call(old.headers.location!, { token });
    expect(now.body).toMatchObject({ id: moved.id, number: moved.number, title: moved.title, comments: moved.comments });
    const [owner, name] = (target.full_name as string).split("/");
    const gql = await graphql(server, token, issueQuery, { owner, name, number: moved.number });
    expect(gql.body.data?.repository.issue).toEqual({ databaseId: moved.id, title: moved.title });
    const [oldOwner, oldName] = (transferred.repository.full_name as string).split("/");
    expect((await graphql(server, token, issueQuery, { owner: oldOwner, name: oldName, number: transferred.issue.number })).body.errors?.[0]?.type).toBe("NOT_FOUND");
  });

  it("removes a repository from the installation: installation_repositories.removed, and the app's tokens no longer see it", async () => {
    const token = await installationToken(server);
    receiver.received = [];
    await server.simulateActivity({ repositoryRemovals: 1 });
    expect(sentOnly()).toEqual(["installation_repositories$removed"]);
    const [removed] = receiver.received[0]!.body.repositories_removed;
    expect((await call(`${server.apiUrl}/repos/${removed.full_name}`, { token })).status).toBe(404);
    const listed = await call<{ repositories: Array<{ id: number }> }>(`${server.apiUrl}/installation/repositories`, { token });
    expect(listed.body.repositories.map((repo) => repo.id)).not.toContain(removed.id);
    const gql = await graphql(server, token, `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }`, { owner: server.org.org.login, name: removed.name });
    expect(gql.body.errors?.[0]?.type).toBe("NOT_FOUND");
    const scoped = await call(`${server.apiUrl}/app/installations/${server.installation()!.id}/access_tokens`, { method: "POST", token: appJwt(), body: { repository_ids: [removed.id] } });
    expect(scoped.status).toBe(422);
  });
});
