/** The only scripts pages run, by name: the Content-Security-Policy allows exactly these (by hash). */
export const PAGE_SCRIPTS = {
  /**
   * While imports are under way, asks every two seconds for the rows on screen and the overall bar (a small JSON
   * answer, not the page) and puts them in place; stops once nothing on screen moves, and drops the "queued" notice.
   */
  liveRepositories: `
(function watch() {
  var list = document.querySelector("#repositories[data-live]");
  if (!list) return;
  setTimeout(async function () {
    try {
      var ids = Array.from(list.querySelectorAll("tr[data-repository]"), function (row) { return row.dataset.repository; });
      var url = new URL(list.dataset.progress, location.href);
      url.searchParams.set("ids", ids.join(","));
      var response = await fetch(url, { headers: { accept: "application/json" } });
      if (!response.ok) return;
      var progress = await response.json();
      var parse = function (markup, tag) { var holder = document.createElement(tag); holder.innerHTML = markup; return holder.firstElementChild; };
      Object.entries(progress.rows).forEach(function (entry) {
        var row = list.querySelector('tr[data-repository="' + entry[0] + '"]');
        if (row) row.replaceWith(parse(entry[1], "tbody"));
      });
      list.querySelector("#overall").replaceWith(parse(progress.overall, "div"));
      list.querySelector("#state-summary").replaceWith(parse(progress.summary, "div"));
      if (!progress.live) {
        list.removeAttribute("data-live");
        var notice = document.querySelector(".notice[data-until-done]");
        if (notice) notice.remove();
        var here = new URL(location.href);
        here.searchParams.delete("notice");
        history.replaceState(null, "", here);
      }
    } catch (error) {
      // A failed poll (the app restarting) is tried again at the next beat.
    } finally { watch(); }
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
