import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { accessLog } from "./access-log.js";

/** Answers a request and resolves true, or resolves false to let the next handler try. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface HttpServerOptions {
  host?: string;
  port: number;
  log: Logger;
  /** Tried in order; a request none answers gets 404. */
  handlers: RequestHandler[];
}

export interface HttpServer {
  /** Where it listens, e.g. http://127.0.0.1:3000. */
  url: string;
  close(): Promise<void>;
}

async function route(handlers: RequestHandler[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const handler of handlers) if (await handler(req, res)) return;
  res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
}

/**
 * The app's HTTP server: the webhook intake, the health check and the web UI, with one access log line per request.
 * Tributary's own rather than Probot's `Server`, whose webhook route handles events inside the request and whose
 * access log writes every request's headers (tokens and session cookies included).
 */
export async function startHttpServer({ host, port, log, handlers }: HttpServerOptions): Promise<HttpServer> {
  const logRequest = accessLog(log.child({ name: "http" }));
  const server: Server = createServer((req, res) => {
    logRequest(req, res);
    route(handlers, req, res).catch((error: unknown) => {
      log.error({ err: error, method: req.method }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("Internal error; it has been logged");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => log.error({ err: error }, "HTTP server error"));
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  log.info(`Listening on ${url}`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
