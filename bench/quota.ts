import { ImportStatusModel } from "../src/storage/models/index.js";
import type { Service } from "../src/storage/models/import-status.js";
import { per1000, PURPOSES, type BudgetUse, type Purpose } from "./request-attribution.js";

/** The organization hours of budget are sized for. */
export const REFERENCE_ORG: Record<Purpose, number> = { pullRequests: 100_000, tickets: 50_000, commits: 200_000 };

/** An installation's hourly budget, for GraphQL points and REST requests alike (GitHub grants large orgs up to 12,500). */
export const HOURLY_BUDGET = 5_000;

/** Points and REST requests per 1,000 items of each kind, and the hours of budget the reference org would take. */
export interface QuotaFigures {
  per1000: Record<Purpose, BudgetUse>;
  /** Each budget's hours, and the backfill's: the two are spent in parallel, so the longer one. */
  hours: { graphql: number; rest: number; backfill: number };
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** `use` spent on `items`, as figures per 1,000 and hours of budget for the reference organization. */
export function quotaFigures(use: Record<Purpose, BudgetUse>, items: Record<Purpose, number>): QuotaFigures {
  const per1000ByPurpose = Object.fromEntries(
    PURPOSES.map((purpose) => [purpose, { points: per1000(use[purpose].points, items[purpose]), rest: per1000(use[purpose].rest, items[purpose]) }]),
  ) as Record<Purpose, BudgetUse>;
  const total = (budget: keyof BudgetUse) => PURPOSES.reduce((sum, purpose) => sum + (per1000ByPurpose[purpose][budget] * REFERENCE_ORG[purpose]) / 1000, 0);
  const graphql = total("points") / HOURLY_BUDGET;
  const rest = total("rest") / HOURLY_BUDGET;
  return { per1000: per1000ByPurpose, hours: { graphql: round1(graphql), rest: round1(rest), backfill: round1(Math.max(graphql, rest)) } };
}

const PURPOSE_OF: Record<Service, Purpose> = { pullRequests: "pullRequests", tickets: "tickets", repos: "commits" };

/** What the app itself recorded as spent, from the cost GitHub reported with each answer (src/github/budget-spend.ts). */
export async function spendRecordedByApp(): Promise<Record<Purpose, BudgetUse>> {
  const use = Object.fromEntries(PURPOSES.map((purpose) => [purpose, { points: 0, rest: 0 }])) as Record<Purpose, BudgetUse>;
  for (const status of await ImportStatusModel.find({}, { service: 1, spent: 1 }).lean()) {
    const purpose = PURPOSE_OF[status.service];
    use[purpose].points += status.spent?.graphqlPoints ?? 0;
    use[purpose].rest += status.spent?.restRequests ?? 0;
  }
  return use;
}
