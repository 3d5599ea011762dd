import { createHash } from "node:crypto";
import type { Viewer } from "../viewer.js";
import { avatar, html, SafeHtml } from "./html.js";
import { COMMON_SCRIPT, PAGE_SCRIPTS, type PageScript } from "./scripts.js";

const STYLES = `
:root { color-scheme: light dark; --fg:#1f2328; --muted:#59636e; --bg:#fff; --panel:#f6f8fa; --line:#d1d9e0; --accent:#0969da;
  --ok:#1a7f37; --warn:#9a6700; --bad:#d1242f; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9198a1; --bg:#0d1117; --panel:#151b23; --line:#3d444d; --accent:#4493f8;
  --ok:#3fb950; --warn:#d29922; --bad:#f85149; } }
* { box-sizing: border-box; }
body { margin:0; color:var(--fg); background:var(--bg); line-height:1.5; }
a { color:var(--accent); }
:focus-visible { outline:3px solid var(--accent); outline-offset:2px; }
.skip { position:absolute; left:-999px; } .skip:focus { left:1rem; top:1rem; background:var(--bg); padding:.5rem; }
header.top { display:flex; flex-wrap:wrap; gap:1rem; align-items:center; justify-content:space-between; padding:.75rem 1.25rem; border-bottom:1px solid var(--line); background:var(--panel); }
header.top nav { display:flex; gap:1rem; align-items:center; flex-wrap:wrap; }
.brand { font-weight:700; text-decoration:none; color:var(--fg); font-size:1.1rem; }
main { max-width:72rem; margin:0 auto; padding:1.25rem; }
h1 { font-size:1.5rem; margin:.25rem 0 1rem; } h2 { font-size:1.2rem; margin:1.5rem 0 .5rem; }
.muted { color:var(--muted); }
.avatar { position:relative; display:inline-flex; align-items:center; justify-content:center; flex:none; width:32px; height:32px; border-radius:6px;
  overflow:hidden; vertical-align:middle; font-size:.8rem; font-weight:700; line-height:1; color:#fff; background:#57606a; }
.avatar img { position:absolute; inset:0; width:100%; height:100%; }
.avatar.tone-0 { background:#8250df; } .avatar.tone-1 { background:#0969da; } .avatar.tone-2 { background:#1a7f37; }
.avatar.tone-3 { background:#bc4c00; } .avatar.tone-4 { background:#bf3989; } .avatar.tone-5 { background:#57606a; }
.who { display:inline-flex; align-items:center; gap:.5rem; } h1.who { display:flex; flex-wrap:wrap; }
table { width:100%; border-collapse:collapse; } th, td { text-align:left; padding:.5rem; border-bottom:1px solid var(--line); vertical-align:top; }
.table-wrap { overflow-x:auto; max-width:100%; }
.badge { display:inline-block; padding:0 .5rem; border-radius:1rem; font-size:.85rem; border:1px solid var(--line); white-space:nowrap; }
.badge.active, .badge.done, .badge.ok { color:var(--ok); border-color:var(--ok); }
.badge.suspended, .badge.pending, .badge.importing, .badge.stopped, .badge.warn { color:var(--warn); border-color:var(--warn); }
.badge.uninstalled, .badge.failed, .badge.bad { color:var(--bad); border-color:var(--bad); }
button, .button { font:inherit; padding:.4rem .9rem; border-radius:6px; border:1px solid var(--line); background:var(--panel); color:var(--fg); cursor:pointer; text-decoration:none; display:inline-block; }
button.primary, .button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
input, select { font:inherit; padding:.35rem .5rem; border-radius:6px; border:1px solid var(--line); background:var(--bg); color:var(--fg); max-width:100%; }
:disabled { opacity:.5; cursor:not-allowed; }
[aria-invalid="true"] { border-color:var(--bad); box-shadow:0 0 0 1px var(--bad); }
.field-error { color:var(--bad); margin:.25rem 0 0; font-size:.9rem; }
label { font-weight:600; }
form.inline { display:inline; }
.row { display:flex; flex-wrap:wrap; gap:.75rem; align-items:end; }
.row.spread { justify-content:space-between; align-items:center; }
caption { text-align:left; }
.card { border:1px solid var(--line); border-radius:8px; padding:1rem; margin:1rem 0; background:var(--bg); }
.card > :first-child { margin-top:0; } .card > :last-child { margin-bottom:0; }
dt { font-weight:600; } dd { margin:0 0 .5rem 0; }
.tabs { display:flex; gap:.25rem; flex-wrap:wrap; border-bottom:1px solid var(--line); margin:1rem 0; padding:0; list-style:none; }
.tabs a { display:block; padding:.5rem .9rem; text-decoration:none; color:var(--fg); border-bottom:2px solid transparent; }
.tabs a[aria-current="page"] { border-color:var(--accent); font-weight:600; }
.switch { display:flex; align-items:center; gap:.75rem; margin:.5rem 0; }
.switch button[role="switch"] { width:3rem; height:1.6rem; border-radius:1rem; padding:0; position:relative; }
.switch button[role="switch"]::after { content:""; position:absolute; top:.15rem; left:.2rem; width:1.2rem; height:1.2rem; border-radius:50%; background:var(--muted); transition:left .15s; }
.switch button[aria-checked="true"] { background:var(--ok); border-color:var(--ok); }
.switch button[aria-checked="true"]::after { left:1.55rem; background:#fff; }
.notice { padding:.75rem 1rem; border-radius:6px; border:1px solid var(--ok); margin:1rem 0; }
.notice.error { border-color:var(--bad); }
.notice > :first-child { margin-top:0; } .notice > :last-child { margin-bottom:0; }
progress { width:8rem; }
.report-grid { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1fr); gap:1rem; align-items:start; }
.report table { font-size:.8rem; } .report th, .report td { padding:.2rem .4rem; white-space:nowrap; }
@media (max-width: 60rem) { .report-grid { grid-template-columns:minmax(0,1fr); } }
.report figure { margin:0 0 .75rem; } svg.chart { width:100%; height:auto; display:block; }
svg.chart .grid { stroke:var(--line); } svg.chart .axis { fill:var(--muted); font-size:12px; }
.series-0 { --series:var(--accent); } .series-1 { --series:#bc4c00; } .series-2 { --series:#1a7f37; }
svg.chart rect, svg.chart circle { fill:var(--series); } svg.chart .line { fill:none; stroke:var(--series); stroke-width:2; }
ul.legend { list-style:none; display:flex; flex-wrap:wrap; gap:1rem; padding:0; margin:.25rem 0 0; font-size:.9rem; }
ul.legend .swatch { display:inline-block; width:.8rem; height:.8rem; border-radius:2px; margin-right:.35rem; vertical-align:middle; background:var(--series); }
ul.services { list-style:none; margin:0; padding:0; } ul.services li { margin:.15rem 0; }
#overall progress { width:min(24rem, 100%); vertical-align:middle; }
nav.pages { display:flex; gap:1rem; align-items:center; margin:1rem 0; }
.bad-text { color:var(--bad); }
@media (max-width: 40rem) {
  /* Each repository becomes a block of its own: five columns do not fit a phone. */
  #repositories thead { display:none; }
  #repositories tr, #repositories th, #repositories td { display:block; border:0; padding:.2rem .5rem; }
  #repositories tr { border-bottom:1px solid var(--line); padding:.5rem 0; }
}
.problem { border-left:4px solid var(--bad); }
tr.attention > td { background:var(--panel); } tr.attention > td:first-child { box-shadow:inset 4px 0 var(--bad); }
td.reason { min-width:12rem; max-width:28rem; overflow-wrap:anywhere; }
.nowrap { white-space:nowrap; }
td.when { min-width:7.5rem; } /* the date on one line, the time on the next */
code, .token { font-family: ui-monospace, monospace; word-break:break-all; }
.secret { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; }
.secret .token { padding:.35rem .5rem; border:1px solid var(--line); border-radius:6px; background:var(--panel); margin:0; }
.error-page .code { font-size:.9rem; letter-spacing:.05em; text-transform:uppercase; }
@media (max-width: 40rem) {
  main { padding:.75rem; } header.top { padding:.5rem .75rem; gap:.5rem; } header.top nav { gap:.5rem .75rem; }
  th, td { padding:.4rem; }
  .table-wrap > table { min-width:40rem; } /* scrolls inside its frame rather than squeezing every column */
}
`;

export interface PageOptions {
  title: string;
  viewer?: Viewer;
  body: SafeHtml;
  /** The page's own script, run after the body is parsed; the common script runs on every page besides. */
  script?: PageScript;
  /** Reloads the page after this many seconds (while waiting for something that happens elsewhere). */
  refreshSeconds?: number;
}

// Our own constants only: the policy allows each by its hash.
const inlineScript = (code: string) => new SafeHtml(`<script>${code}</script>`);

export function page({ title, viewer, body, script, refreshSeconds }: PageOptions): string {
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ""}
<title>${title} · Tributary</title>
<style>${new SafeHtml(STYLES)}</style>
${inlineScript(COMMON_SCRIPT)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/integrations">Tributary</a>
  ${viewer ? html`<nav aria-label="Main">
    <a href="/integrations">Integrations</a>
    <a href="/settings/tokens">API tokens</a>
    <span class="who">${avatar(viewer.login, viewer.avatarUrl)}${viewer.login}</span>
    <form class="inline" method="post" action="/auth/signout">
      <input type="hidden" name="_csrf" value="${viewer.csrfToken}">
      <button type="submit">Sign out</button>
    </form>
  </nav>` : ""}
</header>
<main id="main">
${body}
</main>
${script ? inlineScript(PAGE_SCRIPTS[script]) : ""}
</body>
</html>`}`;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/**
 * Only this app's own inline style and scripts run (by hash): injected markup could neither run script nor load
 * anything from elsewhere. Avatars come from GitHub's image hosts (an Enterprise host may serve them over http).
 */
export const contentSecurityPolicy = (githubWebUrl: string) => [
  "default-src 'none'",
  `style-src ${sha256(STYLES)}`,
  `script-src ${[COMMON_SCRIPT, ...Object.values(PAGE_SCRIPTS)].map(sha256).join(" ")}`,
  `img-src 'self' https: data: ${new URL(githubWebUrl).origin}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");
