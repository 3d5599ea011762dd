import type { ApiRequest } from "./types.js";

export interface Page<T> {
  items: T[];
  /** GitHub's `Link` header (first/prev/next/last), absent when everything fits on one page. */
  link?: string;
}

/** `per_page` (default 30, max 100) and `page`, answered with a `Link` header like GitHub's. */
export function paginate<T>(request: ApiRequest, items: readonly T[], publicUrl: string): Page<T> {
  const perPage = clamp(Number(request.query.get("per_page") ?? 30) || 30, 1, 100);
  const page = Math.max(1, Math.floor(Number(request.query.get("page") ?? 1)) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (last === 1 && page === 1) return { items: slice };
  const at = (target: number) => {
    const url = new URL(request.url.pathname + request.url.search, publicUrl);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(target));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(Math.min(page - 1, last))}>; rel="prev"`);
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return links.length > 0 ? { items: slice, link: links.join(", ") } : { items: slice };
}

export function pageReply<T>(page: Page<T>) {
  return { status: 200, body: page.items, ...(page.link && { headers: { link: page.link } }) };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(value)));
