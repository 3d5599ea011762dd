import { randomUUID } from "node:crypto";
import { connect } from "node:net";

export interface OversizedPost {
  /** The app's answer; 0 when it answered nothing. */
  status: number;
  /** Body bytes written to the socket before the exchange ended. */
  sentBytes: number;
  deliveryId: string;
}

const CHUNK = Buffer.alloc(64 * 1024, "x");

/**
 * POSTs `totalBytes` of body to `url` as a webhook delivery with a signature that matches nothing, written straight
 * to a TCP socket from one reused 64 KB buffer (with backpressure), so that the sender never holds the body either —
 * and no HTTP client or interceptor (nock, in tests) buffers it. `declareLength` sends Content-Length (the receiver
 * can refuse at once); without it the body is chunked and the receiver has to count. Stops writing as soon as an
 * answer arrives; resolves with its status once the receiver closed the connection or the body was all sent and
 * answered.
 */
export function postOversizedBody(url: string, totalBytes: number, declareLength: boolean): Promise<OversizedPost> {
  const target = new URL(url);
  const deliveryId = randomUUID();
  const head = [
    `POST ${target.pathname}${target.search} HTTP/1.1`,
    `Host: ${target.host}`,
    "Content-Type: application/json",
    "X-GitHub-Event: push",
    `X-GitHub-Delivery: ${deliveryId}`,
    // Unsigned: a signature of the right shape that no secret produced.
    `X-Hub-Signature-256: sha256=${"0".repeat(64)}`,
    declareLength ? `Content-Length: ${totalBytes}` : "Transfer-Encoding: chunked",
    "Connection: close",
    "",
    "",
  ].join("\r\n");

  return new Promise((resolve) => {
    const socket = connect(Number(target.port || 80), target.hostname);
    let sentBytes = 0;
    let answer = "";
    let settled = false;
    const status = () => Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
    const settle = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ status: status(), sentBytes, deliveryId });
    };
    const answered = () => answer.length > 0;

    const writeBody = () => {
      while (!answered() && !socket.destroyed && sentBytes < totalBytes) {
        const size = Math.min(CHUNK.length, totalBytes - sentBytes);
        const piece = size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size);
        sentBytes += size;
        if (!declareLength) socket.write(`${size.toString(16)}\r\n`);
        socket.write(piece);
        if (!declareLength) socket.write("\r\n");
        // Backpressure: wait until the socket has sent what it holds (at most a chunk or two).
        if (socket.writableNeedDrain) {
          socket.once("drain", writeBody);
          return;
        }
      }
      if (!answered() && sentBytes >= totalBytes && !declareLength) socket.write("0\r\n\r\n");
    };

    socket.on("connect", () => {
      socket.write(head);
      writeBody();
    });
    socket.on("data", (data: Buffer) => {
      // Only the status line matters; keep little of the rest.
      if (answer.length < 4096) answer += data.toString("latin1");
      if (status() > 0 && /\r\n\r\n/.test(answer)) settle();
    });
    // The receiver closing the connection under the rest of the body (EPIPE, ECONNRESET) ends the exchange too.
    socket.on("error", settle);
    socket.on("close", settle);
  });
}
