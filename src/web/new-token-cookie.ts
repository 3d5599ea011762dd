import type { Request, Response } from "express";
import type { WebContext } from "./context.js";
import { cookieOptions, readCookie } from "./cookies.js";
import { decrypt, encrypt } from "./crypto.js";
import type { Viewer } from "./viewer.js";

/**
 * A new API token on its way from the form's POST to the page its redirect shows (Post/Redirect/Get), to be shown
 * there once. In a cookie rather than kept on the server: the token is never stored in the clear, not even for a
 * moment, and any instance of the app can show it. The cookie is encrypted with the session secret, httpOnly, sent
 * only to the tokens page, bound to the person, gone after two minutes, and cleared by the page that shows it.
 */
const COOKIE = "tributary_new_token";
const PURPOSE = "new-api-token";
const PATH = "/settings/tokens";
const TTL_MS = 2 * 60 * 1000;

export interface NewToken {
  name: string;
  token: string;
}

export function handOverNewToken(res: Response, context: WebContext, viewer: Viewer, created: NewToken): void {
  const sealed = encrypt(JSON.stringify({ userId: viewer.id, ...created }), context.secret, PURPOSE);
  res.cookie(COOKIE, sealed, cookieOptions(context.secureCookies, TTL_MS, PATH));
}

/** The token handed over to this person, once: the cookie is cleared as it is read. */
export function takeNewToken(req: Request, res: Response, context: WebContext, viewer: Viewer): NewToken | null {
  const sealed = readCookie(req, COOKIE);
  if (!sealed) return null;
  res.clearCookie(COOKIE, { ...cookieOptions(context.secureCookies, 0, PATH), maxAge: undefined });
  const opened = decrypt(sealed, context.secret, PURPOSE);
  const handed = opened ? (JSON.parse(opened) as NewToken & { userId: number }) : null;
  return handed?.userId === viewer.id ? { name: handed.name, token: handed.token } : null;
}
