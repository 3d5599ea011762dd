import { API_TOKEN_SCOPES, type ApiTokenScope } from "../../storage/models/api-token.js";
import type { ApiTokenRow } from "../api-tokens.js";
import { TOKEN_LIFETIMES_DAYS, type FormProblems } from "../inputs.js";
import type { NewToken } from "../new-token-cookie.js";
import type { Viewer } from "../viewer.js";
import { fieldState } from "./forms.js";
import { formatTime, html, type SafeHtml } from "./html.js";
import { page } from "./layout.js";

/** How the page names each scope. */
const SCOPE_NAMES: Record<ApiTokenScope, string> = { full: "full", "data:read": "read data only" };

/** The form's choice of expiry; the API's default is never, the page suggests a month. */
const DEFAULT_LIFETIME = "30";

export interface TokensPageOptions {
  /** The token just created, shown this once. */
  created?: NewToken | null;
  /** The create form, sent back with its problems. */
  form?: FormProblems;
  now?: Date;
}

export function tokensPage(viewer: Viewer, tokens: ApiTokenRow[], { created, form, now = new Date() }: TokensPageOptions = {}): string {
  const csrf = html`<input type="hidden" name="_csrf" value="${viewer.csrfToken}">`;
  const name = fieldState("token-name", "name", "", form);
  const lifetime = fieldState("token-expiry", "expiresInDays", DEFAULT_LIFETIME, form);
  const scope = fieldState("token-scope", "scope", "full", form);
  return page({
    title: "API tokens",
    viewer,
    body: html`<h1>API tokens</h1>
<p>An API token lets a script use the <a href="/api/openapi.json">JSON API</a> as you: <code>Authorization: Bearer &lt;token&gt;</code>.
It sees and changes exactly what you can here, for as long as your GitHub authorization of Tributary lasts; one that reads data only can call the data API and export, nothing else.</p>
${created ? newToken(created) : ""}
<form class="card row" method="post" action="/settings/tokens" novalidate>
  ${csrf}
  <div><label for="token-name">Token name</label><br><input id="token-name" name="name" required maxlength="100" placeholder="e.g. reporting script" value="${name.value}" ${name.attributes}>${name.message}</div>
  <div><label for="token-expiry">Expires</label><br><select id="token-expiry" name="expiresInDays" ${lifetime.attributes}>
    ${TOKEN_LIFETIMES_DAYS.map((days) => html`<option value="${days}" ${lifetime.value === String(days) ? "selected" : ""}>in ${days} days</option>`)}
    <option value="never" ${lifetime.value === "never" ? "selected" : ""}>never</option>
  </select>${lifetime.message}</div>
  <div><label for="token-scope">Access</label><br><select id="token-scope" name="scope" ${scope.attributes}>
    ${API_TOKEN_SCOPES.map((option) => html`<option value="${option}" ${scope.value === option ? "selected" : ""}>${SCOPE_NAMES[option]}</option>`)}
  </select>${scope.message}</div>
  <button class="primary" type="submit">Create token</button>
</form>
${
  tokens.length === 0
    ? html`<div class="card"><p>You have no API tokens yet.</p><p class="muted">Create one above for each script that uses the API, so that you can delete one without stopping the others.</p></div>`
    : html`<div class="table-wrap"><table>
<caption class="muted">Your tokens, newest first</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">Access</th><th scope="col"><span class="muted">Actions</span></th></tr></thead>
<tbody>${tokens.map(
        (token) => html`<tr data-token="${token.id}"><td>${token.name}</td><td><code class="nowrap">${token.prefix}…</code></td><td>${formatTime(token.createdAt)}</td><td>${formatTime(token.lastUsedAt)}</td><td>${expiry(token, now)}</td><td>${SCOPE_NAMES[token.scope]}</td>
<td><form class="inline" method="post" action="/settings/tokens/${token.id}/delete">${csrf}<button type="submit" aria-label="Delete token ${token.name}">Delete</button></form></td></tr>`,
      )}</tbody></table></div>`
}`,
  });
}

function newToken({ name, token }: NewToken): SafeHtml {
  return html`<section class="notice" aria-labelledby="new-token-heading">
  <h2 id="new-token-heading">Token ${name} created</h2>
  <p>Copy it now: it is not shown again.</p>
  <div class="secret"><p class="token" id="new-token">${token}</p><button type="button" data-copy="new-token" hidden>Copy</button><span role="status" class="muted"></span></div>
</section>`;
}

function expiry(token: ApiTokenRow, now: Date): SafeHtml {
  if (!token.expiresAt) return html`<span class="muted">never</span>`;
  return token.expiresAt <= now ? html`<span class="badge bad">expired</span> ${formatTime(token.expiresAt)}` : formatTime(token.expiresAt);
}
