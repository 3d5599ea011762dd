import { RequestError } from "@octokit/request-error";
import type { Logger } from "pino";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { captureStream, expectNoSecret, makeSecrets, type Secrets } from "./secrets.js";

const flushed = () => new Promise((resolve) => setImmediate(resolve));

/** Logs what the app, Probot, pino-http and Octokit log, each carrying secrets, and returns what reached the destination. */
async function logEverything(logFormat: "json" | "pretty", s: Secrets): Promise<string> {
  const { stream, text } = captureStream();
  const log: Logger = await createLogger({ logLevel: "trace", logFormat }, stream);
  const callback = `/auth/github/callback?code=${s.oauthCode}&state=${s.oauthState}`;

  // Probot's pino-http access log: the request and response as pino's serializers shape them.
  log.child({ name: "http" }).info(
    {
      req: {
        id: 1,
        method: "GET",
        url: callback,
        query: { code: s.oauthCode, state: s.oauthState },
        headers: {
          host: "tributary.test",
          authorization: `Bearer ${s.apiToken}`,
          cookie: `tributary_session=${s.sessionCookie}; theme=dark`,
          "x-hub-signature": `sha1=${s.signature1}`,
          "x-hub-signature-256": `sha256=${s.signature256}`,
        },
      },
      res: { statusCode: 302, headers: { "set-cookie": [`tributary_session=${s.sessionCookie}; Path=/; HttpOnly`], location: "/integrations" } },
      responseTime: 4,
    },
    `GET ${callback} 302 - 4ms`,
  );

  // Octokit's error for a token exchange: its request keeps the headers and body it sent, its response what came back.
  const requestError = new RequestError("Bad credentials", 401, {
    request: {
      method: "POST",
      url: "https://api.github.com/app/installations/42/access_tokens",
      headers: { authorization: `token ${s.installationToken}`, "user-agent": "tributary" },
      body: { client_id: "Iv1.abc", client_secret: s.clientSecret, code: s.oauthCode, refresh_token: s.refreshToken },
    },
    response: {
      status: 401,
      url: "https://api.github.com/app/installations/42/access_tokens",
      headers: { "x-github-request-id": "ABCD:1234" },
      data: { message: "Bad credentials", token: s.oauthToken },
    },
  });
  log.error({ err: requestError }, "could not create an installation token");
  log.error({ error: requestError }, "same error under another key");

  // Errors whose message (and so stack) carries a token; one with a code that must survive.
  const leaky = Object.assign(new Error(`GitHub refused token ${s.classicToken} for ${s.userToken}`), { code: "ECONNRESET" });
  log.warn({ err: leaky }, "sync failed");
  log.error(new Error(`personal token ${s.personalToken} and ${s.fineGrainedToken} rejected`));

  // Secrets in messages and free-form fields.
  log.info(`redirected to ${callback}`);
  log.info({ url: `https://github.com/login/oauth/access_token?client_id=Iv1.abc&client_secret=${s.clientSecret}&code=${s.oauthCode}` }, "token request");
  log.info(`posted grant_type=refresh_token&refresh_token=${s.refreshToken}`);
  log.debug(`GET /app with authorization: Bearer ${s.jwt}`);
  log.debug({ jwt: s.jwt }, "app JWT");
  log.info({ app: { appId: 12345, privateKey: s.privateKey, webhookSecret: s.webhookSecret } }, "app credentials");
  log.error(`could not read the key: ${s.privateKey.slice(0, 300)}`);
  log.info({ tokens: { accessToken: s.userToken, refreshToken: s.refreshToken } }, "user tokens");
  log.info({ data: { access_token: s.oauthToken, refresh_token: s.refreshToken, token_type: "bearer" } }, "GitHub answered");
  log.info({ headers: { cookie: `tributary_session=${s.sessionCookie}` } }, "headers on their own");
  log.warn(`cannot reach mongodb://tributary:${s.databasePassword}@db.internal:27017/tributary`);
  log.info(`cookie sent: tributary_session=${s.sessionCookie}; rejected ${s.apiToken}`);

  await flushed();
  return text();
}

describe.each(["json", "pretty"] as const)("createLogger (%s)", (logFormat) => {
  it("writes no secret, whatever carries it", async () => {
    const secrets = makeSecrets();
    const output = await logEverything(logFormat, secrets);
    expectNoSecret(output, secrets);
  });

  it("keeps what is not secret", async () => {
    const secrets = makeSecrets();
    const output = await logEverything(logFormat, secrets);
    for (const kept of ["GET /auth/github/callback", "302", "Bad credentials", "could not create an installation token", "sync failed", "ghu_", "trb_", "app credentials", "tributary_session=", "db.internal:27017"]) {
      expect(output).toContain(kept);
    }
  });
});

describe("createLogger (json)", () => {
  it("writes lines that are still JSON, with structure and error codes intact", async () => {
    const secrets = makeSecrets();
    const lines = (await logEverything("json", secrets)).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(17);
    expect(lines[0]).toMatchObject({ name: "http", req: { method: "GET", headers: { host: "tributary.test", authorization: "[REDACTED]" } }, res: { statusCode: 302 } });
    expect(lines[1]).toMatchObject({ err: { status: 401, request: { method: "POST", body: "[REDACTED]" } } });
    expect(lines[3]).toMatchObject({ err: { code: "ECONNRESET" } });
  });
});
