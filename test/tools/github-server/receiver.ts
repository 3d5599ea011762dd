import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: Record<string, string>;
  raw: string;
  body: any;
}

/**
 * A webhook receiver on loopback standing in for the app: it records what arrives and answers `answer` (a status,
 * or "hang" to never answer). Stopped, it refuses connections, as an app that is down does; started again, it
 * listens on the same port.
 */
export class Receiver {
  received: Received[] = [];
  answer: number | "hang" = 202;
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/github/webhooks`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        this.received.push({ headers: req.headers as Record<string, string>, raw, body: JSON.parse(raw) });
        if (this.answer !== "hang") res.writeHead(this.answer).end("answered");
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
