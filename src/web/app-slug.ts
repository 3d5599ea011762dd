import type { Probot } from "probot";

/** The app's slug (for its install page), read once from `GET /app` with the app's JWT. */
export function appSlugReader(probot: Probot): () => Promise<string | null> {
  let slug: string | null = null;
  return async () => {
    if (slug) return slug;
    try {
      const octokit = await probot.auth();
      slug = (await octokit.rest.apps.getAuthenticated()).data?.slug ?? null;
    } catch (error) {
      // Links fall back to generic GitHub pages; the next request tries again.
      probot.log.warn({ err: error }, "could not read the app's slug");
    }
    return slug;
  };
}
