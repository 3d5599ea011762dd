import { checkAppJwt, type JwtPolicy } from "../auth/jwt.js";
import type { TokenStore } from "../auth/tokens.js";
import { installationById, type Installation } from "../installation.js";
import { credentialOf, looksLikeJwt } from "./request.js";
import { apiError, type AuthRequirement, type Identity, type Reply } from "./types.js";

export interface AuthSources {
  jwt: JwtPolicy;
  tokens: TokenStore;
  installations: readonly Installation[];
  now: number;
}

const NOT_ACCESSIBLE = "Resource not accessible by integration";

/** Resolves the caller and checks it is the kind of caller the route is for; a Reply is GitHub's refusal. */
export function authenticate(header: string | undefined, requirement: AuthRequirement, sources: AuthSources): Identity | null | Reply {
  const credential = credentialOf(header);
  if (!credential) return requirement === "none" ? null : apiError(401, "Requires authentication");
  if (looksLikeJwt(credential)) {
    if (requirement !== "app") return apiError(requirement === "none" ? 401 : 403, requirement === "none" ? "Bad credentials" : NOT_ACCESSIBLE);
    const check = checkAppJwt(credential, sources.jwt, sources.now);
    return check.ok ? { kind: "app" } : apiError(401, check.message);
  }
  if (requirement === "app") return apiError(401, "A JSON web token could not be decoded");
  const token = sources.tokens.find(credential, sources.now);
  if (!token) return apiError(401, "Bad credentials");
  if (token.kind === "installation") {
    const installation = installationById(sources.installations, token.installationId);
    if (!installation) return apiError(401, "Bad credentials");
    if (installation.suspendedAt !== null) return apiError(403, "This installation has been suspended");
  }
  if (requirement === "installation" && token.kind !== "installation") return apiError(403, NOT_ACCESSIBLE);
  if (requirement === "user" && token.kind !== "user") return apiError(403, NOT_ACCESSIBLE);
  return token;
}

/** Whose rate limit a request counts against: the installation (shared by its tokens, as on GitHub), user or app. */
export function callerKey(identity: Identity, appId: number): string {
  if (identity.kind === "app") return `app:${appId}`;
  return identity.kind === "installation" ? `installation:${identity.installationId}` : `user:${identity.person.id}`;
}
