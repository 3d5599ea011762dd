/** The only scripts pages run, by name: the Content-Security-Policy allows exactly these (by hash). */
export const PAGE_SCRIPTS = {
  /** Refreshes the repository list every few seconds while imports are under way. */
  liveRepositories: `
(function poll() {
  if (!document.querySelector("#repositories[data-live]")) return;
  setTimeout(async function () {
    try {
      const response = await fetch(location.href, { headers: { accept: "text/html" } });
      const next = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("#repositories");
      if (next) document.querySelector("#repositories").replaceWith(next);
    } finally { poll(); }
  }, 2000);
})();`,
};

export type PageScript = keyof typeof PAGE_SCRIPTS;
