/** Markup that is already safe to emit; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, string, i) => out + string + (i < values.length ? render(values[i]!) : ""), ""));
}

/**
 * A readable UTC time, to the minute, or to the second where events come seconds apart (webhook deliveries). The page
 * script shows it in the viewer's time zone, with this UTC text on hover; without scripts this text stays.
 */
export function formatTime(date: Date | null | undefined, { seconds = false } = {}): SafeHtml {
  if (!date) return html`<span class="muted">never</span>`;
  const iso = date.toISOString();
  return html`<time datetime="${iso}"${seconds ? html` data-seconds` : ""}>${iso.slice(0, seconds ? 19 : 16).replace("T", " ")} UTC</time>`;
}

const AVATAR_TONES = 6;

/**
 * An account's picture, over its initials: the page script removes a picture that fails to load (GitHub Enterprise
 * without its avatar service answers 404), and without scripts a failed picture with empty alt text shows nothing.
 */
export function avatar(login: string, url: string | null | undefined): SafeHtml {
  const initials = login
    .split(/[-_.\s]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join("");
  const tone = [...login].reduce((sum, char) => sum + char.charCodeAt(0), 0) % AVATAR_TONES;
  return html`<span class="avatar tone-${tone}" aria-hidden="true">${initials || "?"}${url ? html`<img src="${url}" alt="" width="32" height="32">` : ""}</span>`;
}
