import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebContext } from "../../src/web/app.js";
import { apiRoutes } from "../../src/web/routes/api.js";
import { createTestProbot } from "../helpers/probot.js";
import { Browser, startWebApp } from "./harness.js";

type Document = { paths: Record<string, Record<string, unknown>> };

let web: Awaited<ReturnType<typeof startWebApp>>;
beforeEach(async () => {
  web = await startWebApp();
});
afterEach(() => web.close());

const registered = () =>
  apiRoutes(
    createWebContext({
      probot: createTestProbot(),
      config: { oauth: { clientId: "x", clientSecret: "y" }, web: { sessionSecret: "s".repeat(40), sessionSecretGenerated: false, publicUrl: "http://x", secureCookies: false } },
      Octokit: ProbotOctokit,
      log: pino({ level: "silent" }),
    }),
  ).map((route) => `${route.method.toUpperCase()} ${route.path}`);

const HTTP_METHODS = ["get", "put", "post", "patch", "delete"];

describe("the OpenAPI document", () => {
  it("documents every registered API route, and only those", async () => {
    const document = (await (await new Browser(web.url).fetch("/api/openapi.json")).json()) as Document;
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => HTTP_METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(registered().sort());
  });

  it("names only routes the server answers (401 for a signed-out caller, never 'no such route')", async () => {
    const browser = new Browser(web.url);
    for (const route of registered().filter((route) => route !== "GET /openapi.json")) {
      const [method, path] = route.split(" ") as [string, string];
      const response = await browser.fetch(`/api${path.replace(/\{\w+\}/g, "1")}`, { method, headers: { "content-type": "application/json" }, body: ["GET", "DELETE"].includes(method) ? undefined : "{}" });
      expect([route, response.status]).toEqual([route, 401]);
    }
    const unknown = await browser.fetch("/api/nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { message: "No such API route" } });
  });

  it("describes request bodies from the same schemas the routes validate with", async () => {
    const document = (await (await new Browser(web.url).fetch("/api/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    expect(document.openapi).toBe("3.1.0");
    expect(document.paths["/integrations/{installationId}/services/{service}"]!.put!.requestBody!.content["application/json"]!.schema).toMatchObject({
      type: "object",
      properties: { enabled: { type: "boolean" } },
      required: ["enabled"],
    });
  });
});
