import { EventEmitter, once } from "node:events";
import { createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { pino, type Logger } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { accessLog } from "../../src/http/access-log.js";
import { captureStream, expectNoSecret, makeSecrets } from "./secrets.js";

interface Line {
  level: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  bytes: number;
  aborted?: boolean;
  msg: string;
}

const secrets = makeSecrets();
const arrivals = new EventEmitter();

/** What the app might answer: the access log must not care. */
function respond(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url?.split("?")[0];
  if (path === "/hang") return void arrivals.emit("hang");
  if (path === "/boom") return void res.writeHead(500).end("Internal error");
  if (path === "/health") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  if (path === "/stream") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("é".repeat(10));
    return void res.end(Buffer.alloc(5));
  }
  res.writeHead(302, { location: "/integrations", "set-cookie": `tributary_session=${secrets.sessionCookie}; Path=/; HttpOnly` }).end("Found");
}

// A raw pino logger, without createLogger's redaction: the access log must be safe on its own.
function startServer(log: Logger) {
  const logRequest = accessLog(log);
  const server: Server = createServer((req, res) => {
    logRequest(req, res);
    respond(req, res);
  });
  return new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))).then(
    (url) => ({ url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }),
  );
}

function send(url: string, method = "GET", headers: OutgoingHttpHeaders = {}, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, signal }, (res) => res.resume().on("end", () => resolve(res.statusCode ?? 0)));
    req.on("error", reject).end();
  });
}

const secretHeaders = {
  authorization: `Bearer ${secrets.apiToken}`,
  cookie: `tributary_session=${secrets.sessionCookie}`,
  "x-hub-signature-256": `sha256=${secrets.signature256}`,
};

describe("accessLog", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let output: ReturnType<typeof captureStream>;
  const lines = () => output.text().trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Line);
  const linesFor = async (count: number) => vi.waitFor(() => expect(lines()).toHaveLength(count)).then(lines);

  beforeEach(async () => {
    nock.enableNetConnect("127.0.0.1");
    output = captureStream();
    server = await startServer(pino({ level: "debug" }, output.stream));
  });
  afterEach(() => server.close());

  it("writes one line per request, with no header and no secret parameter", async () => {
    const callback = `/auth/github/callback?code=${secrets.oauthCode}&state=${secrets.oauthState}&from=github`;
    expect(await send(server.url + callback, "GET", secretHeaders)).toBe(302);
    expect(await send(`${server.url}/api/github/webhooks`, "POST", secretHeaders)).toBe(302);

    const [callbackLine, webhookLine] = await linesFor(2);
    expect(callbackLine).toMatchObject({ level: 30, method: "GET", path: "/auth/github/callback?code=[REDACTED]&state=[REDACTED]&from=github", status: 302, bytes: 5 });
    expect(callbackLine!.durationMs).toBeGreaterThanOrEqual(0);
    expect(callbackLine!.msg).toMatch(/^GET \/auth\/github\/callback\?code=\[REDACTED\]&state=\[REDACTED\]&from=github 302 - \d+ms$/);
    expect(webhookLine).toMatchObject({ method: "POST", path: "/api/github/webhooks", status: 302 });
    expectNoSecret(output.text(), secrets);
    expect(output.text()).not.toMatch(/authorization|cookie|signature|headers/i);
  });

  it("masks secrets carried in other parameters and in the path", async () => {
    const returnTo = encodeURIComponent(`/auth/github/callback?code=${secrets.oauthCode}`);
    await send(`${server.url}/signin?returnTo=${returnTo}&page=2`);
    await send(`${server.url}/tokens/${secrets.apiToken}?access_token=${secrets.userToken}&%63lient_secret=${secrets.clientSecret}`);
    const [signin, tokens] = await linesFor(2);
    expect(signin!.path).toBe("/signin?returnTo=[REDACTED]&page=2");
    expect(tokens!.path).toBe("/tokens/trb_[REDACTED]?access_token=[REDACTED]&%63lient_secret=[REDACTED]");
    expectNoSecret(output.text(), secrets);
  });

  it("logs 5xx at warn, healthy probes at debug, and counts body bytes", async () => {
    await send(`${server.url}/boom`);
    await send(`${server.url}/health`);
    await send(`${server.url}/stream`);
    const [boom, health, stream] = await linesFor(3);
    expect(boom).toMatchObject({ level: 40, status: 500 });
    expect(health).toMatchObject({ level: 20, status: 200, bytes: 15 });
    expect(stream).toMatchObject({ level: 30, status: 200, bytes: 25 });
  });

  it("writes one line when the client goes away before the response", async () => {
    const abort = new AbortController();
    const arrived = once(arrivals, "hang");
    const sent = send(`${server.url}/hang?state=${secrets.oauthState}`, "GET", secretHeaders, abort.signal);
    await arrived;
    abort.abort();
    await expect(sent).rejects.toThrow();
    const [line] = await linesFor(1);
    expect(line).toMatchObject({ method: "GET", path: "/hang?state=[REDACTED]", aborted: true, bytes: 0 });
    expectNoSecret(output.text(), secrets);
  });
});

describe("accessLog with a logger that throws", () => {
  it("never fails the request", async () => {
    nock.enableNetConnect("127.0.0.1");
    const broken = new Proxy(pino({ level: "silent" }), {
      get: () => () => {
        throw new Error("log destination gone");
      },
    });
    const server = await startServer(broken);
    try {
      expect(await send(`${server.url}/boom`)).toBe(500);
      expect(await send(`${server.url}/health`)).toBe(200);
    } finally {
      await server.close();
    }
  });
});
