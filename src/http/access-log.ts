import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { REDACTED, SECRET_PARAMS, scrub } from "../logger.js";
import { HEALTH_PATHS } from "./health.js";

const decode = (text: string) => {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
};

/** `name=value` with the value masked when the name is a secret's or the value carries one (say, an encoded callback URL). */
function maskParam(param: string): string {
  const equals = param.indexOf("=");
  if (equals < 0) return param;
  const name = decode(param.slice(0, equals)).toLowerCase();
  const value = decode(param.slice(equals + 1));
  return SECRET_PARAMS.includes(name) || scrub(value) !== value ? `${param.slice(0, equals)}=${REDACTED}` : param;
}

/** The request target (path and query) as it may be logged. */
function safeTarget(target: string): string {
  const query = target.indexOf("?");
  if (query < 0) return scrub(target);
  const params = target.slice(query + 1).split("&").map(maskParam).join("&");
  return scrub(`${target.slice(0, query)}?${params}`);
}

/** Counts the body bytes written: Content-Length is often not set (streamed responses, `res.end(data)`). */
function countBytes(res: ServerResponse): () => number {
  let bytes = 0;
  const count = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === "string") bytes += Buffer.byteLength(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const write = res.write as (...args: unknown[]) => boolean;
  const end = res.end as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    count(args[0], args[1]);
    return write.apply(res, args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    count(args[0], args[1]);
    return end.apply(res, args);
  }) as typeof res.end;
  return () => bytes;
}

/** Runs `work`, swallowing what it throws: a lost log line is better than a failed request or a crashed server. */
function quietly(work: () => void): void {
  try {
    work();
  } catch {
    // Nothing to do: logging is what failed.
  }
}

/** Responses whose request was logged already by the code that answered it (see `loggedElsewhere`). */
const describedElsewhere = new WeakSet<ServerResponse>();

/**
 * Says that the code answering this request logs it itself, with what it knows besides (a refused webhook's reason):
 * the access log then adds no second line, so one refusal is one line, however many are sent.
 */
export function loggedElsewhere(res: ServerResponse): void {
  describedElsewhere.add(res);
}

/**
 * The access log: call it at the start of every request; it writes one line when the response finished or the
 * connection closed, with method, target (secret parameters masked), status, duration and body size, and never
 * headers or bodies (they carry tokens, cookies and signatures). Never throws.
 *
 * Levels: 5xx at warn, not error, because the code that failed logs the error itself with its stack, and error is
 * the level @probot/pino reports to Sentry (one failure, one report). Successful health probes at debug. Everything
 * else at info, webhook deliveries included: this line is the record of what GitHub was answered.
 */
export function accessLog(log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) =>
    quietly(() => {
      const started = performance.now();
      // Read now: Express rewrites `req.url` inside a mounted router (`/api/tokens` becomes `/tokens`).
      const url = req.url ?? "";
      const bytes = countBytes(res);
      const finish = () =>
        quietly(() => {
          res.off("finish", finish).off("close", finish);
          if (describedElsewhere.has(res)) return;
          const path = safeTarget(url);
          const status = res.statusCode;
          const durationMs = Math.round(performance.now() - started);
          const aborted = !res.writableFinished;
          const probe = status < 300 && HEALTH_PATHS.has(url.split("?", 1)[0] ?? "");
          log[status >= 500 ? "warn" : probe ? "debug" : "info"](
            { method: req.method, path, status, durationMs, bytes: bytes(), ...(aborted && { aborted }) },
            `${req.method} ${path} ${status} - ${durationMs}ms${aborted ? " (connection closed before the response finished)" : ""}`,
          );
        });
      res.once("finish", finish).once("close", finish);
    });
}
