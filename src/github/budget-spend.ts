import type { ProbotOctokit } from "probot";
import { rateResourceOf, reportedCost } from "./rate-budget.js";

/**
 * What a piece of work spent of an installation's two hourly budgets, as GitHub reported it: GraphQL points and
 * REST requests are separate budgets (5,000 an hour each, more for large organizations).
 */
export interface BudgetSpend {
  graphqlPoints: number;
  restRequests: number;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Minting the installation's token goes through its Octokit too, but is charged to the app (its JWT), not to it. */
const isTokenRequest = (url: string) => /\/app\/installations\/\d+\/access_tokens$/.test(new URL(url, "http://github.test").pathname);

/**
 * Counts what the Octokit's requests cost from now on. A GraphQL query costs the points its answer reports (at
 * least 1 when the answer says nothing, as after a timeout); a REST request costs one request, except a 304 to a
 * conditional request, which GitHub does not charge. Measured, not modelled: on github.com this is what the
 * installation's budget lost.
 */
export function meterSpend(octokit: Octokit): BudgetSpend {
  const spend: BudgetSpend = { graphqlPoints: 0, restRequests: 0 };
  const count = (url: string, status: number | undefined, body: unknown) => {
    if (rateResourceOf(url) === "graphql") spend.graphqlPoints += reportedCost(body) ?? 1;
    else if (status !== 304 && !isTokenRequest(url)) spend.restRequests += 1;
  };
  octokit.hook.after("request", (response) => count(response.url, response.status, response.data));
  octokit.hook.error("request", (error) => {
    const { status, response, request } = error as { status?: number; response?: { url?: string; data?: unknown }; request?: { url?: string } };
    count(response?.url ?? request?.url ?? "", status, response?.data);
    throw error;
  });
  return spend;
}
