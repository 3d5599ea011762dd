import type { tokensOf } from "../api-tokens.js";
import type { Viewer } from "../viewer.js";
import { formatTime, html } from "./html.js";
import { page } from "./layout.js";

type TokenRow = Awaited<ReturnType<typeof tokensOf>>[number];

export function tokensPage(viewer: Viewer, tokens: TokenRow[], created?: { name: string; token: string }): string {
  const csrf = html`<input type="hidden" name="_csrf" value="${viewer.csrfToken}">`;
  return page({
    title: "API tokens",
    viewer,
    body: html`<h1>API tokens</h1>
<p>An API token lets a script use the <a href="/api/openapi.json">JSON API</a> as you: <code>Authorization: Bearer &lt;token&gt;</code>.
It sees and changes exactly what you can here, for as long as your GitHub authorization of Tributary lasts.</p>
${created ? html`<div class="notice" role="status"><p>Token <strong>${created.name}</strong> created. Copy it now; it is not shown again.</p><p class="token">${created.token}</p></div>` : ""}
<form class="card row" method="post" action="/settings/tokens">
  ${csrf}
  <div><label for="token-name">Token name</label><br><input id="token-name" name="name" required maxlength="100" placeholder="e.g. reporting script"></div>
  <button class="primary" type="submit">Create token</button>
</form>
${
  tokens.length === 0
    ? html`<p class="muted">You have no API tokens.</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Name</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="muted">Actions</span></th></tr></thead>
<tbody>${tokens.map(
        (token) => html`<tr><td>${token.name}</td><td><code>${token.prefix}…</code></td><td>${formatTime(token.createdAt)}</td><td>${formatTime(token.lastUsedAt)}</td>
<td><form class="inline" method="post" action="/settings/tokens/${token.id}/delete">${csrf}<button type="submit" aria-label="Delete token ${token.name}">Delete</button></form></td></tr>`,
      )}</tbody></table></div>`
}`,
  });
}
