import { clearDatabase } from "../helpers/database.js";
import { Browser, startWebApp } from "./harness.js";

export type WebApp = Awaited<ReturnType<typeof startWebApp>>;

/** A test's starting point: an empty database, the web app on its own port and a browser without cookies. Close `web` after the test. */
export async function freshWebApp(): Promise<{ web: WebApp; browser: Browser }> {
  await clearDatabase();
  const web = await startWebApp();
  return { web, browser: new Browser(web.url) };
}
