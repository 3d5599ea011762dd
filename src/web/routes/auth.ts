import { Router, type Request } from "express";
import { cookieOptions, readSignedCookie } from "../cookies.js";
import type { WebContext } from "../context.js";
import { randomToken, safeEqual, sign } from "../crypto.js";
import { authorizeUrl, exchangeCode, OAuthError } from "../github-oauth.js";
import { HttpError } from "../http-error.js";
import { viewerOf } from "../middleware.js";
import { signInPage } from "../views/simple-pages.js";

const STATE_COOKIE = "tributary_oauth";
const STATE_TTL_MS = 10 * 60 * 1000;

/** Only paths on this site: an open redirect after sign-in would hand phishing pages our domain. */
export function safeReturnTo(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/integrations";
}

export const signInUrl = (req: Request) => `/signin?returnTo=${encodeURIComponent(req.originalUrl)}`;

/** Sign in with GitHub (the app's OAuth web flow, `state` bound to the browser by a signed cookie), and sign out. */
export function authRoutes(context: WebContext): Router {
  const router = Router();

  router.get("/signin", (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    if (res.locals.viewer) return res.redirect(returnTo);
    res.type("html").send(signInPage(returnTo));
  });

  router.get("/auth/github", (req, res) => {
    const state = randomToken();
    const payload = JSON.stringify({ state, returnTo: safeReturnTo(req.query.returnTo) });
    res.cookie(STATE_COOKIE, sign(Buffer.from(payload).toString("base64url"), context.secret), cookieOptions(context.secureCookies, STATE_TTL_MS, "/auth"));
    res.redirect(authorizeUrl(context.oauth, state));
  });

  router.get("/auth/github/callback", async (req, res) => {
    const signed = readSignedCookie(req, STATE_COOKIE, context.secret);
    res.clearCookie(STATE_COOKIE, { ...cookieOptions(context.secureCookies, 0, "/auth"), maxAge: undefined });
    const expected = signed ? (JSON.parse(Buffer.from(signed, "base64url").toString()) as { state: string; returnTo: string }) : null;
    const { code, state, error_description: denied } = req.query;
    if (typeof denied === "string") throw new HttpError(400, `GitHub did not sign you in: ${denied}`);
    if (!expected || typeof state !== "string" || !safeEqual(state, expected.state)) {
      throw new HttpError(400, "Sign-in could not be verified (state mismatch or expired): please sign in again");
    }
    if (typeof code !== "string" || code === "") throw new HttpError(400, "GitHub sent no authorization code: please sign in again");
    const tokens = await exchangeCode(context.oauth, code).catch((error: unknown) => {
      throw error instanceof OAuthError ? new HttpError(400, `GitHub did not sign you in (${error.message}): please sign in again`) : error;
    });
    const user = await context.userGitHub(tokens.accessToken).user();
    await context.tokens.save(user, tokens);
    context.access.forget(user.id);
    await context.sessions.start(res, user, res.locals.viewer);
    context.log.info({ userId: user.id, login: user.login }, "signed in to the web UI");
    res.redirect(safeReturnTo(expected.returnTo));
  });

  router.post("/auth/signout", async (_req, res) => {
    await context.sessions.end(res, viewerOf(res));
    res.redirect("/signin");
  });

  return router;
}
