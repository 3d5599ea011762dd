import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import { allowLoopback, appJwt, call, installationToken, specErrors, startSmallServer } from "./helpers.js";

let server: GitHubServer;

beforeAll(async () => {
  allowLoopback();
  server = await startSmallServer();
});

afterAll(() => server.close());

const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;

describe("App JWTs", () => {
  it("are verified against the app's key, issuer and lifetime", async () => {
    const installations = `${server.apiUrl}/app/installations`;
    const now = Math.floor(Date.now() / 1000);
    expect((await call(installations, { token: appJwt() })).status).toBe(200);
    expect((await call(installations, { token: appJwt({ iss: "Iv1.0000000000local" }) })).status).toBe(200);
    const refusals = [
      appJwt({}, otherKey),
      appJwt({ iss: 2 }),
      appJwt({ iat: now - 700, exp: now - 60 }),
      appJwt({ exp: now + 3600 }),
      "eyJhbGciOiJSUzI1NiJ9.not-json.sig",
    ];
    for (const jwt of refusals) expect((await call(installations, { token: jwt })).status).toBe(401);
    expect((await call(installations)).body.message).toBe("Requires authentication");
    expect((await call(installations, { token: "ghs_notajwt" })).body.message).toBe("A JSON web token could not be decoded");
  });

  it("are accepted from any key for the app id when the server has no key", async () => {
    const keyless = await startSmallServer({ app: { key: undefined } });
    try {
      expect((await call(`${keyless.apiUrl}/app/installations`, { token: appJwt({}, otherKey) })).status).toBe(200);
      expect((await call(`${keyless.apiUrl}/app/installations`, { token: appJwt({ iss: 99 }, otherKey) })).status).toBe(401);
    } finally {
      await keyless.close();
    }
  });
});

describe("installation tokens", () => {
  it("are refused when unknown, expired, or used where only the App JWT may go", async () => {
    const token = await installationToken(server);
    expect((await call(`${server.apiUrl}/installation/repositories`, { token })).status).toBe(200);
    expect((await call(`${server.apiUrl}/installation/repositories`, { token: "ghs_unknown" })).body.message).toBe("Bad credentials");
    expect((await call(`${server.apiUrl}/app/installations`, { token })).status).toBe(401);
    expect((await call(`${server.apiUrl}/installation/repositories`, { token: appJwt() })).status).toBe(403);
    const shortLived = await startSmallServer({ installationTokenTtlMs: 1 });
    try {
      const expired = await installationToken(shortLived);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await call(`${shortLived.apiUrl}/installation/repositories`, { token: expired })).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });

  it("expire in an hour and list the installation's repositories with pagination", async () => {
    const answer = await call(`${server.apiUrl}/app/installations/1/access_tokens`, { method: "POST", token: appJwt() });
    expect(Date.parse(answer.body.expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
    const page = await call(`${server.apiUrl}/installation/repositories?per_page=2`, { token: answer.body.token });
    expect(page.body.total_count).toBe(server.org.org.repos.length);
    expect(page.body.repositories).toHaveLength(2);
    expect(page.headers.link).toContain('rel="next"');
  });
});

describe("the OAuth web flow", () => {
  const { clientId, clientSecret } = { clientId: "Iv1.0000000000local", clientSecret: "local-client-secret" };
  const redirectUri = "http://127.0.0.1:3000/auth/callback";

  async function signIn(login: string) {
    const authorize = `${server.url}/login/oauth/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=xyz&login=${login}`;
    const redirect = await call(authorize);
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.location!);
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get("state")).toBe("xyz");
    const code = location.searchParams.get("code")!;
    const exchange = await call(`${server.url}/login/oauth/access_token`, { method: "POST", headers: { accept: "application/json" }, body: { client_id: clientId, client_secret: clientSecret, code } });
    expect(exchange.body).toMatchObject({ token_type: "bearer" });
    return { token: exchange.body.access_token as string, code };
  }

  it("offers a page to choose who signs in", async () => {
    const page = await call(`${server.url}/login/oauth/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain(server.org.admins()[0]!.login);
  });

  it("signs a member in, whose token reads /user, /user/installations and org membership", async () => {
    const admin = server.org.admins()[0]!;
    const member = server.org.org.members.find((m) => m.role === "member")!.person;
    const { token, code } = await signIn(admin.login);
    const user = await call(`${server.apiUrl}/user`, { token });
    expect(user.body.login).toBe(admin.login);
    expect(specErrors("GET", "/user", 200, user.body)).toEqual([]);
    const installations = await call(`${server.apiUrl}/user/installations`, { token });
    expect(installations.body.total_count).toBe(1);
    expect(specErrors("GET", "/user/installations", 200, installations.body)).toEqual([]);
    const membership = await call(`${server.apiUrl}/user/memberships/orgs/${server.org.org.login}`, { token });
    expect(membership.body.role).toBe("admin");
    expect(specErrors("GET", "/user/memberships/orgs/{org}", 200, membership.body)).toEqual([]);
    const memberToken = (await signIn(member.login)).token;
    expect((await call(`${server.apiUrl}/user/memberships/orgs/${server.org.org.login}`, { token: memberToken })).body.role).toBe("member");
    // A code is good once.
    const reuse = await call(`${server.url}/login/oauth/access_token`, { method: "POST", headers: { accept: "application/json" }, body: { client_id: clientId, client_secret: clientSecret, code } });
    expect(reuse.body.error).toBe("bad_verification_code");
  });

  it("gives an outside contributor no installations and no membership", async () => {
    const outsider = server.org.org.authors.find((p) => p.kind === "User" && !server.org.member(p.login))!;
    const { token } = await signIn(outsider.login);
    expect((await call(`${server.apiUrl}/user/installations`, { token })).body.total_count).toBe(0);
    expect((await call(`${server.apiUrl}/user/memberships/orgs/${server.org.org.login}`, { token })).status).toBe(404);
  });

  it("answers form-encoded without Accept: application/json, and refuses a wrong secret", async () => {
    const wrong = await call(`${server.url}/login/oauth/access_token`, { method: "POST", body: { client_id: clientId, client_secret: "nope", code: "x" } });
    expect(new URLSearchParams(wrong.body as string).get("error")).toBe("incorrect_client_credentials");
  });
});
