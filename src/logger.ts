import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import type { Config } from "./config.js";

export const REDACTED = "[REDACTED]";

// OAuth's one-time values, and credentials whose names no one uses for anything else.
const OAUTH_PARAMS = ["code", "state"];
const CREDENTIAL_PARAMS = ["client_secret", "access_token", "refresh_token"];
/** Query and form parameters whose value is a secret wherever they appear. */
export const SECRET_PARAMS: readonly string[] = [...OAUTH_PARAMS, ...CREDENTIAL_PARAMS];

const SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-hub-signature", "x-hub-signature-256"];
// Field names of credentials: this app's (Config, UserTokens, OAuthClient), Probot's options, GitHub's and Octokit's.
const SECRET_FIELDS = [...CREDENTIAL_PARAMS, "token", "accessToken", "refreshToken", "clientSecret", "privateKey", "private_key", "secret", "webhookSecret", "sessionSecret"];

// Paths are literal, never `*.x`: pino's wildcard paths cost microseconds per path on every call (65 of them made a
// log call 60 times slower). What they would catch beyond these holders the scrub below catches by shape.
// pino-http's req/res; Octokit's RequestError keeps the request it sent and the response it got.
const HEADER_HOLDERS = ["headers", "req.headers", "res.headers", "request.headers", "response.headers", "err.headers", "err.request.headers", "err.response.headers", "error.request.headers", "error.response.headers"];
// Incoming query strings and forms (OAuth's code and state arrive there).
const PARAM_HOLDERS = ["query", "body", "req.query", "req.body"];
// The top level (""), GitHub's answers (issued tokens), Octokit's auth results, and this app's credential objects.
const CREDENTIAL_HOLDERS = ["", "data", "response.data", "err.response.data", "error.response.data", "auth", "app", "oauth", "tokens"];

const under = (holders: string[], keys: readonly string[]) => holders.flatMap((holder) => keys.map((key) => (holder ? `${holder}[${JSON.stringify(key)}]` : key)));

/** pino `redact` paths: fields that hold secrets by name, whatever their value looks like. */
const REDACT_PATHS = [
  ...under(HEADER_HOLDERS, SECRET_HEADERS),
  ...under(CREDENTIAL_HOLDERS, SECRET_FIELDS),
  ...under(PARAM_HOLDERS, SECRET_PARAMS),
  // Whole bodies of outgoing requests: Octokit's carry client secrets, codes and refresh tokens on OAuth calls.
  "request.body",
  "err.request.body",
  "error.request.body",
];

const VALUE = String.raw`[^\s"'\\&#;,]+`;

/**
 * Secret-shaped text, as [kept, secret] pattern pairs: the kept part stays so a line still says which header or kind
 * of token it was. Patterns never match a backslash or a quote on their own, so a scrubbed JSON line stays JSON.
 */
const SECRET_SHAPES: ReadonlyArray<readonly [kept: string, secret: string]> = [
  // Header text (`authorization: token …`, `"cookie":"…"`, also JSON inside a string): the whole value.
  [String.raw`\b(?:authorization|cookie)\\?"?\s*[:=]\s*\[?\\?"?`, String.raw`[^"\\\n]+`],
  [String.raw`\bbearer\s+`, String.raw`[\w.~+/=-]+`],
  // `token 0123…` (classic 40-hex tokens); a credential has digits and length, unlike "token request".
  [String.raw`\btoken\s+`, String.raw`(?=[\w.-]*\d)[\w.-]{20,}`],
  // GitHub's token prefixes (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_) and Tributary's API tokens.
  [String.raw`\b(?:gh[pousr]|github_pat|trb)_`, String.raw`[\w-]{10,}`],
  [String.raw`\btributary_\w+=`, VALUE],
  // X-Hub-Signature(-256): the HMAC of a payload is an oracle for the webhook secret.
  [String.raw`\bsha(?:1|256)=`, String.raw`[0-9a-f]{40,64}`],
  // JWTs (the app's own, or any other): three base64url segments, the header starting `{"`.
  ["", String.raw`\beyJ[\w-]+\.[\w-]+\.[\w-]+`],
  // A PEM private key, or what there is of one: the body (escaped newlines included, never the closing quote), then
  // the footer if it follows. No lazy scan for the footer, which made a line with many headers quadratic.
  ["", String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\w+/=:,\s]|-(?!----)|\\[nr])*(?:-----END [A-Z ]*PRIVATE KEY-----)?`],
  // Secret parameters in URLs and forms; the unambiguous names also in `name: value` and JSON text.
  [String.raw`[?&](?:${OAUTH_PARAMS.join("|")})=`, VALUE],
  [String.raw`\b(?:${CREDENTIAL_PARAMS.join("|")})\\?"?\s*[:=]\s*\\?"?`, VALUE],
  // A password in a URL (`mongodb://user:password@host`).
  [String.raw`//[^\s/:@"]+:`, String.raw`[^\s/@"]+(?=@)`],
];

// One pass per line: every shape is an alternative, and its kept part is the only capture group it has.
const SECRET = new RegExp(SECRET_SHAPES.map(([kept, secret]) => `(${kept})${secret}`).join("|"), "gi");

/** Masks every secret-shaped value in a text (a serialized log line, a URL, a message). */
export function scrub(text: string): string {
  return text.replace(SECRET, (...match: unknown[]) => {
    const kept = match.slice(1, SECRET_SHAPES.length + 1).find((group) => group !== undefined);
    return `${kept as string}${REDACTED}`;
  });
}

/**
 * The same pino setup Probot uses (pretty in development, JSON in production), shared by the server and the CLI, with
 * secrets redacted twice: known fields by path, then anything secret-shaped left in the serialized line (messages,
 * stacks, URLs), which the pretty format is rendered from.
 */
export async function createLogger(
  config: Pick<Config, "logLevel" | "logFormat">,
  destination: NodeJS.WritableStream = process.stdout,
): Promise<Logger> {
  const transform = await getTransformStream({ logFormat: config.logFormat });
  transform.pipe(destination);
  return pino(
    {
      level: config.logLevel,
      name: "tributary",
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: { streamWrite: scrub },
    },
    transform,
  );
}
