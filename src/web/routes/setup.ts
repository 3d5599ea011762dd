import { Router } from "express";
import { z } from "zod";
import { findIntegration } from "../../storage/integrations.js";
import type { WebContext } from "../context.js";
import { HttpError } from "../http-error.js";
import { parseInput } from "../inputs.js";
import { html } from "../views/html.js";
import { page } from "../views/layout.js";
import { installRequestedPage } from "../views/simple-pages.js";
import { signInUrl } from "./auth.js";

const setupQuery = z.discriminatedUnion("setup_action", [
  z.object({ setup_action: z.literal("request") }),
  z.object({ setup_action: z.enum(["install", "update"]), installation_id: z.coerce.number().int().positive() }),
]);

/**
 * GitHub's setup URL: where a person lands after installing, updating or requesting the app. The installation id in
 * the URL can be forged, so it only leads somewhere once GitHub confirms the person can access that installation.
 */
export function setupRoutes(context: WebContext): Router {
  const router = Router();
  router.get("/github/setup", async (req, res) => {
    const query = parseInput(setupQuery, req.query);
    if (query.setup_action === "request") return res.type("html").send(installRequestedPage(res.locals.viewer));
    const viewer = res.locals.viewer;
    if (!viewer) return res.redirect(signInUrl(req));
    // Just installed: what GitHub said a minute ago is stale.
    context.access.forget(viewer.id);
    if (!(await context.access.installationIds(viewer)).has(query.installation_id)) {
      throw new HttpError(404, "GitHub does not list that installation for your account");
    }
    if (await findIntegration(query.installation_id)) return res.redirect(`/integrations/${query.installation_id}`);
    // GitHub's installation webhook has not arrived yet; it usually does within seconds.
    res.type("html").send(
      page({
        title: "Setting up",
        viewer,
        refreshSeconds: 3,
        body: html`<h1>Setting up your integration…</h1><p role="status">GitHub has confirmed the installation; Tributary is waiting for its details. This page reloads by itself.</p>`,
      }),
    );
  });
  return router;
}
