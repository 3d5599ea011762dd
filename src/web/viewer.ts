import type { Request, Response } from "express";
import { createWebSession, deleteWebSession, findWebSession } from "../storage/web-sessions.js";
import { cookieOptions, readSignedCookie } from "./cookies.js";
import type { ApiTokenScope } from "../storage/models/api-token.js";
import { apiTokenOwner } from "./api-tokens.js";
import { hashToken, randomToken, sign } from "./crypto.js";
import type { GitHubUser } from "./user-github.js";
import type { UserTokenStore } from "./user-tokens.js";

/** The person making a request, signed in through the browser or presenting an API token. */
export interface Viewer extends GitHubUser {
  via: "session" | "token";
  /** The session's CSRF token; null for API tokens, which no browser sends by itself. */
  csrfToken: string | null;
  sessionIdHash: string | null;
  /** What the request may do: a session, everything its person may; an API token, what its scope allows. */
  scope: ApiTokenScope;
}

export const SESSION_COOKIE = "tributary_session";
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export class Sessions {
  constructor(
    private readonly secret: string,
    private readonly secureCookies: boolean,
    private readonly tokens: UserTokenStore,
  ) {}

  /** A fresh session id on every sign-in (no fixation); the session this browser had before ends. */
  async start(res: Response, user: GitHubUser, previous: Viewer | undefined): Promise<void> {
    if (previous?.sessionIdHash) await deleteWebSession(previous.sessionIdHash);
    const id = randomToken();
    const now = new Date();
    await createWebSession({
      idHash: hashToken(id),
      userId: user.id,
      login: user.login,
      avatarUrl: user.avatarUrl,
      csrfToken: randomToken(),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    });
    res.cookie(SESSION_COOKIE, sign(id, this.secret), cookieOptions(this.secureCookies, SESSION_TTL_MS));
  }

  async end(res: Response, viewer: Viewer | undefined): Promise<void> {
    if (viewer?.sessionIdHash) await deleteWebSession(viewer.sessionIdHash);
    res.clearCookie(SESSION_COOKIE, { ...cookieOptions(this.secureCookies, 0), maxAge: undefined });
  }

  /** The viewer, or null when the request carries no valid session or token (or the person revoked the app). */
  async viewerOf(req: Request): Promise<Viewer | null> {
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (bearer) return this.#tokenViewer(bearer);
    const id = readSignedCookie(req, SESSION_COOKIE, this.secret);
    if (!id) return null;
    const session = await findWebSession(hashToken(id));
    if (!session || (await this.tokens.revokedSince(session.userId, session.createdAt))) return null;
    return {
      id: session.userId,
      login: session.login,
      avatarUrl: session.avatarUrl ?? null,
      via: "session",
      csrfToken: session.csrfToken,
      sessionIdHash: session.idHash,
      scope: "full",
    };
  }

  /** Throws a 401 saying why for an unknown or expired token: a script sent it on purpose and needs to know. */
  async #tokenViewer(token: string): Promise<Viewer> {
    return { ...(await apiTokenOwner(token)), avatarUrl: null, via: "token", csrfToken: null, sessionIdHash: null };
  }
}
