import { describe, expect, it } from "vitest";
import { avatar, formatTime } from "../../src/web/views/html.js";

describe("avatar", () => {
  it("puts the picture over the account's initials, which show when there is no picture", () => {
    expect(String(avatar("octo-cat", "https://avatars.example/u/1"))).toMatch(
      /^<span class="avatar tone-\d" aria-hidden="true">OC<img src="https:\/\/avatars.example\/u\/1" alt="" width="32" height="32"><\/span>$/,
    );
    expect(String(avatar("acme", null))).toMatch(/^<span class="avatar tone-\d" aria-hidden="true">A<\/span>$/);
  });

  it("gives each account its own colour, the same on every page", () => {
    const tone = (login: string) => /tone-(\d)/.exec(String(avatar(login, null)))![1];
    expect(tone("octo-cat")).toBe(tone("octo-cat"));
    expect(new Set(["acme", "octo-cat", "org-a", "org-b", "mona"].map(tone)).size).toBeGreaterThan(1);
  });
});

describe("formatTime", () => {
  it("writes the UTC time for the page script to show in the viewer's time zone, to the second where asked", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    expect(String(formatTime(at))).toBe('<time datetime="2026-01-02T03:04:05.678Z">2026-01-02 03:04 UTC</time>');
    expect(String(formatTime(at, { seconds: true }))).toBe('<time datetime="2026-01-02T03:04:05.678Z" data-seconds>2026-01-02 03:04:05 UTC</time>');
    expect(String(formatTime(null))).toBe('<span class="muted">never</span>');
  });
});
