import type { ServerContext } from "./context.js";
import { json, type ApiRequest, type Reply, type Route } from "./http/types.js";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function redirectWithCode(context: ServerContext, request: ApiRequest, login: string): Reply {
  const { app } = context.options;
  const person = context.generated.person(login);
  const redirectUri = request.query.get("redirect_uri") ?? undefined;
  if (!person || person.kind !== "User") return { status: 404, text: `No such user: ${escapeHtml(login)}` };
  if (!redirectUri) return { status: 400, text: "redirect_uri is required by this server (the app has no registered callback URL)." };
  const target = new URL(redirectUri);
  target.searchParams.set("code", context.tokens.issueCode(person, app.clientId, redirectUri, context.now()));
  const state = request.query.get("state");
  if (state !== null) target.searchParams.set("state", state);
  return { status: 302, text: "", headers: { location: target.toString() } };
}

/** A sign-in page listing generated people (admins first), standing in for GitHub's "Authorize application" step. */
function chooseUserPage(context: ServerContext, request: ApiRequest): Reply {
  const { org } = context.generated;
  const people = [...org.members.map((m) => ({ person: m.person, role: m.role })), ...org.authors.slice(org.members.length).filter((p) => p.kind === "User").map((person) => ({ person, role: "outside contributor" }))];
  const links = people
    .map(({ person, role }) => {
      const url = new URL(request.url.pathname + request.url.search, context.urls.web);
      url.searchParams.set("login", person.login);
      return `<li><a href="${escapeHtml(url.pathname + url.search)}">${escapeHtml(person.login)}</a> — ${escapeHtml(person.name)} (${role})</li>`;
    })
    .join("\n");
  return {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8" },
    text: `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to the local GitHub</title></head><body><h1>Authorize ${escapeHtml(context.options.app.name)}</h1><p>Sign in as a member of <strong>${escapeHtml(org.login)}</strong>:</p><ul>${links}</ul></body></html>`,
  };
}

/** GitHub's OAuth web flow, at the web root as on GitHub Enterprise Server. */
export function oauthRoutes(context: ServerContext): Route[] {
  return [
    {
      method: "GET",
      template: "/login/oauth/authorize",
      auth: "none",
      handle(request) {
        if (request.query.get("client_id") !== context.options.app.clientId) {
          return { status: 404, text: "The client_id is not a registered application." };
        }
        const login = request.query.get("login") ?? context.options.signedInUser;
        return login ? redirectWithCode(context, request, login) : chooseUserPage(context, request);
      },
    },
    {
      method: "POST",
      template: "/login/oauth/access_token",
      auth: "none",
      handle(request) {
        const { app } = context.options;
        const params = { ...Object.fromEntries(request.query), ...((request.body ?? {}) as Record<string, string>) };
        const wantsJson = (request.headers.accept ?? "").includes("json");
        // GitHub answers OAuth errors with 200 and an `error` field.
        const answer = (fields: Record<string, string | number>): Reply =>
          wantsJson
            ? json(fields)
            : { status: 200, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, text: new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString() };
        if (params.client_id !== app.clientId || params.client_secret !== app.clientSecret) {
          return answer({ error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect.", error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials" });
        }
        const person = params.code ? context.tokens.redeemCode(params.code, app.clientId, context.now()) : undefined;
        if (!person) {
          return answer({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired.", error_uri: "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code" });
        }
        const token = context.tokens.issueUserToken(person, context.now());
        return answer({ access_token: token.token, expires_in: Math.round((token.expiresAt - context.now()) / 1000), token_type: "bearer", scope: "" });
      },
    },
  ];
}
