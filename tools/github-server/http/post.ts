import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface PostAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Rejected with this when the whole exchange (connect, send, answer) took longer than allowed. */
export class PostTimeoutError extends Error {
  override readonly name = "TimeoutError";
}

/**
 * A plain POST with node:http (webhook deliveries). The time limit covers the whole exchange, as GitHub's 10
 * seconds do, not just idle time: a receiver trickling its answer still times out.
 */
export function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostAnswer> {
  const target = new URL(url);
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let timedOut = false;
    // Whatever fails first settles the promise; a timeout wins over the errors destroying the request causes.
    const fail = (error: Error) => {
      clearTimeout(deadline);
      reject(timedOut ? new PostTimeoutError(`no answer within ${timeoutMs} ms`) : error);
    };
    const outgoing = request(target, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        clearTimeout(deadline);
        resolve({
          status: response.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)])),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
      response.on("error", fail);
      response.on("close", () => {
        if (!response.complete) fail(new Error("the answer was cut off"));
      });
    });
    const deadline = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new PostTimeoutError(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    outgoing.on("error", fail);
    outgoing.end(body);
  });
}
