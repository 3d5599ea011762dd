import type { CookieOptions, Request } from "express";
import { unsign } from "./crypto.js";

export function readCookie(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) {
      try {
        return decodeURIComponent(value.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** httpOnly so scripts cannot read it; Lax so it rides along top-level navigations back from GitHub but not cross-site posts. */
export function cookieOptions(secure: boolean, maxAgeMs: number, path = "/"): CookieOptions {
  return { httpOnly: true, secure, sameSite: "lax", path, maxAge: maxAgeMs };
}

/** Reads cookies this app signed; a tampered or foreign cookie reads as absent. */
export function readSignedCookie(req: Request, name: string, secret: string): string | null {
  const raw = readCookie(req, name);
  return raw ? unsign(raw, secret) : null;
}
