import type { Viewer } from "../viewer.js";
import { html } from "./html.js";
import { page } from "./layout.js";

export function signInPage(returnTo: string): string {
  return page({
    title: "Sign in",
    body: html`<h1>Sign in to Tributary</h1>
<p>Tributary shows you the integrations of the GitHub accounts you can access. Owners of an organization can change its integration; members can view it.</p>
<p><a class="button primary" href="/auth/github?returnTo=${encodeURIComponent(returnTo)}">Sign in with GitHub</a></p>`,
  });
}

export function installRequestedPage(viewer: Viewer | undefined): string {
  return page({
    title: "Installation requested",
    viewer,
    body: html`<h1>Your request was sent to the organization's owners</h1>
<p>Only an owner of the organization can install Tributary. GitHub has notified them of your request.</p>
<h2>What happens next</h2>
<ol>
  <li>An owner approves the request on GitHub and chooses which repositories Tributary may read.</li>
  <li>Tributary receives the installation and starts importing at once.</li>
  <li>The integration then appears by itself on your <a href="/integrations">Integrations</a> page. There is nothing else to do here.</li>
</ol>`,
  });
}

const ERROR_TITLES: Record<number, string> = {
  400: "That request is not valid",
  403: "Not allowed",
  404: "Page not found",
  409: "Not possible right now",
  413: "Too large",
  503: "Temporarily unavailable",
};

/** An error as a page: what happened in a sentence, and the way back. */
export function errorPage(status: number, message: string, viewer: Viewer | undefined): string {
  const title = ERROR_TITLES[status] ?? (status < 500 ? "That request is not valid" : "Something went wrong");
  return page({
    title,
    viewer,
    body: html`<section class="card error-page" aria-labelledby="error-title">
  <p class="code muted">Error ${status}</p>
  <h1 id="error-title">${title}</h1>
  <p role="alert">${message}</p>
  <p>${
    viewer
      ? html`<a class="button primary" href="/integrations">Back to your integrations</a>`
      : html`<a class="button primary" href="/signin">Sign in</a>`
  }</p>
</section>`,
  });
}
