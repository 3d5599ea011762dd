import { randomBytes } from "node:crypto";
import type { Permissions } from "../installation.js";
import type { Person } from "../org/model.js";

export interface InstallationToken {
  kind: "installation";
  token: string;
  installationId: number;
  expiresAt: number;
  permissions: Permissions;
  /** A token scoped down to some repositories; undefined = everything the installation can see. */
  repositoryIds?: Set<number>;
}

export interface UserToken {
  kind: "user";
  token: string;
  person: Person;
  expiresAt: number;
}

export type AccessToken = InstallationToken | UserToken;

interface OAuthCode {
  person: Person;
  clientId: string;
  redirectUri: string | undefined;
  expiresAt: number;
}

const HOUR = 3_600_000;
const secret = (prefix: string) => `${prefix}_${randomBytes(27).toString("base64url").replace(/[-_]/g, "x").slice(0, 36)}`;

/** Tokens and OAuth codes the server has issued. Installation tokens live one hour, like GitHub's. */
export class TokenStore {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly codes = new Map<string, OAuthCode>();

  constructor(private readonly installationTokenTtlMs = HOUR) {}

  issueInstallationToken(installationId: number, permissions: Permissions, now: number, repositoryIds?: Set<number>): InstallationToken {
    const token: InstallationToken = {
      kind: "installation",
      token: secret("ghs"),
      installationId,
      expiresAt: now + this.installationTokenTtlMs,
      permissions,
      ...(repositoryIds && { repositoryIds }),
    };
    this.tokens.set(token.token, token);
    return token;
  }

  issueUserToken(person: Person, now: number): UserToken {
    const token: UserToken = { kind: "user", token: secret("ghu"), person, expiresAt: now + 8 * HOUR };
    this.tokens.set(token.token, token);
    return token;
  }

  issueCode(person: Person, clientId: string, redirectUri: string | undefined, now: number): string {
    const code = randomBytes(10).toString("hex");
    this.codes.set(code, { person, clientId, redirectUri, expiresAt: now + 10 * 60_000 });
    return code;
  }

  /** A code is good once, for the client it was issued to, for ten minutes. */
  redeemCode(code: string, clientId: string, now: number): Person | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    return entry && entry.clientId === clientId && entry.expiresAt > now ? entry.person : undefined;
  }

  find(token: string, now: number): AccessToken | undefined {
    const found = this.tokens.get(token);
    return found && found.expiresAt > now ? found : undefined;
  }

  revokeInstallation(installationId: number): void {
    for (const [key, token] of this.tokens) {
      if (token.kind === "installation" && token.installationId === installationId) this.tokens.delete(key);
    }
  }
}
