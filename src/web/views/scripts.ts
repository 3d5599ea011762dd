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

/**
 * Runs on every page, from the head (before the body, so no picture's failure goes unseen), besides the page's own
 * script: avatars that fail to load leave their initials; times in the viewer's time zone, the UTC text on hover;
 * copy buttons.
 */
export const COMMON_SCRIPT = `
(function () {
  document.addEventListener("error", function (event) {
    var image = event.target;
    if (image instanceof HTMLImageElement && image.parentElement && image.parentElement.classList.contains("avatar")) image.remove();
  }, true);

  var minutes = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  var seconds = Object.assign({ second: "2-digit" }, minutes);
  function enhance() {
    document.querySelectorAll("time[datetime]:not([title])").forEach(function (time) {
      var date = new Date(time.dateTime);
      if (isNaN(date.getTime())) return;
      time.title = time.textContent;
      time.textContent = new Intl.DateTimeFormat(undefined, time.hasAttribute("data-seconds") ? seconds : minutes).format(date);
    });
    document.querySelectorAll("button[data-copy][hidden]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    enhance();
    // Parts replaced later (the live repository list) come as the server wrote them.
    new MutationObserver(enhance).observe(document.body, { childList: true, subtree: true });
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("button[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector("[role=status]");
    var say = function (text) { if (status) status.textContent = text; };
    var copying = navigator.clipboard ? navigator.clipboard.writeText(source.textContent) : Promise.reject();
    copying.then(function () { say("Copied."); }, function () {
      getSelection().selectAllChildren(source);
      say("Selected: press Ctrl+C (or ⌘C) to copy.");
    });
  });
})();`;
