import { z } from "zod";

/** The app's OAuth client and where GitHub's web flow lives (github.com or the Enterprise host's web root). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  webUrl: string;
  redirectUri: string;
}

export class OAuthError extends Error {
  override name = "OAuthError";
}

export interface UserTokens {
  accessToken: string;
  accessTokenExpiresAt: Date | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: Date | null;
}

const tokenResponse = z.union([
  z.object({
    access_token: z.string().min(1),
    expires_in: z.coerce.number().optional(),
    refresh_token: z.string().optional(),
    refresh_token_expires_in: z.coerce.number().optional(),
  }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);

export function authorizeUrl(client: OAuthClient, state: string): string {
  const params = new URLSearchParams({ client_id: client.clientId, redirect_uri: client.redirectUri, state, allow_signup: "false" });
  return `${client.webUrl}/login/oauth/authorize?${params}`;
}

const after = (seconds: number | undefined, from: Date) => (seconds ? new Date(from.getTime() + seconds * 1000) : null);

async function requestTokens(client: OAuthClient, grant: Record<string, string>): Promise<UserTokens> {
  const issuedAt = new Date();
  const response = await fetch(`${client.webUrl}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({ client_id: client.clientId, client_secret: client.clientSecret, ...grant }),
  });
  const parsed = tokenResponse.safeParse(await response.json().catch(() => null));
  if (!response.ok || !parsed.success) throw new OAuthError(`GitHub answered the token request with HTTP ${response.status}`);
  const body = parsed.data;
  if ("error" in body) throw new OAuthError(body.error_description ?? body.error);
  return {
    accessToken: body.access_token,
    accessTokenExpiresAt: after(body.expires_in, issuedAt),
    refreshToken: body.refresh_token ?? null,
    refreshTokenExpiresAt: after(body.refresh_token_expires_in, issuedAt),
  };
}

/** Trades the code GitHub passed to the callback for the user's tokens. */
export function exchangeCode(client: OAuthClient, code: string): Promise<UserTokens> {
  return requestTokens(client, { code, redirect_uri: client.redirectUri });
}

/** User tokens of GitHub Apps expire (8 hours by default); the refresh token renews them without a new sign-in. */
export function refreshTokens(client: OAuthClient, refreshToken: string): Promise<UserTokens> {
  return requestTokens(client, { grant_type: "refresh_token", refresh_token: refreshToken });
}
