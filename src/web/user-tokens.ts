import { findAuthorizationRevocation } from "../storage/app-authorizations.js";
import { deleteUserCredential, findUserCredential, saveUserCredential } from "../storage/user-credentials.js";
import { deleteUserSessions } from "../storage/web-sessions.js";
import { decrypt, encrypt } from "./crypto.js";
import { refreshTokens, type OAuthClient, type UserTokens } from "./github-oauth.js";
import type { GitHubUser } from "./user-github.js";

// Renew a little early: a token that expires mid-request fails that request.
const EXPIRY_MARGIN_MS = 60_000;

/** Keeps each person's GitHub user token (encrypted) and hands out a live one, refreshing it when it expired. */
export class UserTokenStore {
  constructor(
    private readonly secret: string,
    private readonly oauth: OAuthClient,
  ) {}

  async save(user: GitHubUser, tokens: UserTokens, at = new Date()): Promise<void> {
    await saveUserCredential({
      userId: user.id,
      login: user.login,
      accessToken: encrypt(tokens.accessToken, this.secret),
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      refreshToken: tokens.refreshToken && encrypt(tokens.refreshToken, this.secret),
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      updatedAt: at,
    });
  }

  /** A token that works now, or null when the person has to sign in again. */
  async tokenFor(user: GitHubUser, now = new Date()): Promise<string | null> {
    const credential = await findUserCredential(user.id);
    if (!credential || (await this.revokedSince(user.id, credential.updatedAt))) return null;
    const fresh = !credential.accessTokenExpiresAt || credential.accessTokenExpiresAt.getTime() - EXPIRY_MARGIN_MS > now.getTime();
    if (fresh) return decrypt(credential.accessToken, this.secret);
    const refreshToken = credential.refreshToken && decrypt(credential.refreshToken, this.secret);
    if (!refreshToken || (credential.refreshTokenExpiresAt && credential.refreshTokenExpiresAt <= now)) return null;
    try {
      const tokens = await refreshTokens(this.oauth, refreshToken);
      await this.save(user, tokens, now);
      return tokens.accessToken;
    } catch {
      return null;
    }
  }

  /**
   * True when the person revoked the app's authorization after `since` (their tokens are dead). Their sessions and
   * stored token are dropped, which signs them out everywhere.
   */
  async revokedSince(userId: number, since: Date): Promise<boolean> {
    const revocation = await findAuthorizationRevocation(userId);
    if (!revocation || revocation.revokedAt < since) return false;
    await Promise.all([deleteUserCredential(userId), deleteUserSessions(userId)]);
    return true;
  }
}
