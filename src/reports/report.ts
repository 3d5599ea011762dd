import type { StoredReportWeek } from "../storage/report-rollups.js";
import type { ClosedTicketEntry, CommitEntry, MergedPullRequestEntry, OpenedTicketEntry, ReviewEntry } from "./entries.js";
import type { Person } from "./people.js";
import { spread, type Spread } from "./statistics.js";

/** Which weeks, repositories and (optionally) person a report covers. A person is a GitHub id. */
export interface ReportScope {
  weeks: string[];
  repositoryIds: number[];
  personId?: number;
}

/** Pull request size bands by lines changed (additions + deletions), each up to its `max`. */
export const SIZE_BANDS = [
  { band: "XS", max: 10 },
  { band: "S", max: 100 },
  { band: "M", max: 500 },
  { band: "L", max: 1000 },
  { band: "XL", max: Infinity },
] as const;

export interface MergedPullRequest {
  repositoryId: number;
  week: string;
  number: number;
  title: string;
  author: Person | null;
}

/** Durations in milliseconds. People and bots apart: every figure is about people unless it says bots. */
export interface Report {
  weeks: string[];
  cycleTime: { week: string; merged: number; coding: Spread; pickup: Spread; review: Spread; cycle: Spread }[];
  throughput: { week: string; merged: number; mergedByBots: number; commits: number; commitsByBots: number; activeContributors: number }[];
  review: { week: string; merged: number; approved: number; approvedShare: number | null; timeToFirstReview: Spread }[];
  reviewers: { reviewer: Person | null; bot: boolean; reviews: number }[];
  unreviewedMerges: MergedPullRequest[];
  size: { band: string; maxLines: number | null; merged: number; cycle: Spread }[];
  tickets: { week: string; opened: number; closed: number; lead: Spread }[];
  /** Merged pull requests whose commit list GitHub cut at 250: their coding time may start too late. */
  cappedCommitLists: MergedPullRequest[];
  /** The whole period at once: its headline figures. */
  period: { merged: number; coding: Spread; pickup: Spread; review: Spread; cycle: Spread; approvedShare: number | null; ticketsClosed: number; lead: Spread };
}

type Live<T> = T & { v: number; gone?: boolean };

/** The live entries of one section of a week's documents. */
function entriesOf<T>(documents: StoredReportWeek[], section: "merged" | "reviews" | "commits" | "opened" | "closed") {
  return documents.flatMap((document) =>
    Object.values((document[section] ?? {}) as Record<string, Live<T>>)
      .filter((entry) => !entry.gone)
      .map((entry) => ({ entry, repositoryId: document.repositoryId })),
  );
}

const byPerson = (personId: number | undefined, person: Person | null) => personId === undefined || person?.id === personId;
const values = (numbers: (number | null)[]) => numbers.filter((value): value is number => value !== null);

/** The report of the given weeks' rollups (`documents`: those of the scope's repositories and weeks). */
export function buildReport(scope: ReportScope, documents: StoredReportWeek[]): Report {
  const { personId } = scope;
  const weekDocuments = new Map(scope.weeks.map((week) => [week, documents.filter((document) => document.week === week)]));
  const merged = (week: string) =>
    entriesOf<MergedPullRequestEntry>(weekDocuments.get(week)!, "merged")
      .filter(({ entry }) => byPerson(personId, entry.author))
      .map(({ entry, repositoryId }) => ({ ...entry, repositoryId, week }));
  const allMerged = scope.weeks.flatMap(merged);
  const peoples = allMerged.filter((pr) => !pr.bot);
  const named = (pr: (typeof allMerged)[number]): MergedPullRequest => ({ repositoryId: pr.repositoryId, week: pr.week, number: pr.number, title: pr.title, author: pr.author });

  const perWeek = scope.weeks.map((week) => {
    const documents = weekDocuments.get(week)!;
    const prs = peoples.filter((pr) => pr.week === week);
    const commits = entriesOf<CommitEntry>(documents, "commits")
      .map(({ entry }) => entry)
      .filter((entry) => entry.counted && byPerson(personId, entry.author));
    const opened = entriesOf<OpenedTicketEntry>(documents, "opened").filter(({ entry }) => entry.counted && !entry.bot && byPerson(personId, entry.author));
    const closed = entriesOf<ClosedTicketEntry>(documents, "closed").filter(({ entry }) => !entry.bot && byPerson(personId, entry.author));
    const pickup = spread(values(prs.map((pr) => pr.pickupMs)));
    const approved = prs.filter((pr) => pr.approved).length;
    return {
      cycleTime: {
        week,
        merged: prs.length,
        coding: spread(values(prs.map((pr) => pr.codingMs))),
        pickup,
        review: spread(values(prs.map((pr) => pr.reviewMs))),
        cycle: spread(prs.map((pr) => pr.cycleMs)),
      },
      throughput: {
        week,
        merged: prs.length,
        mergedByBots: allMerged.filter((pr) => pr.week === week && pr.bot).length,
        commits: commits.filter((commit) => !commit.bot).length,
        commitsByBots: commits.filter((commit) => commit.bot).length,
        activeContributors: new Set(commits.filter((commit) => !commit.bot && commit.author).map((commit) => commit.author!.id)).size,
      },
      review: { week, merged: prs.length, approved, approvedShare: prs.length > 0 ? approved / prs.length : null, timeToFirstReview: pickup },
      tickets: { week, opened: opened.length, closed: closed.length, lead: spread(values(closed.map(({ entry }) => entry.leadMs))) },
      closedLeads: closed.map(({ entry }) => entry.leadMs),
    };
  });

  return {
    weeks: scope.weeks,
    cycleTime: perWeek.map((week) => week.cycleTime),
    throughput: perWeek.map((week) => week.throughput),
    review: perWeek.map((week) => week.review),
    reviewers: reviewerCounts(entriesOf<ReviewEntry>(documents, "reviews").map(({ entry }) => entry).filter((entry) => byPerson(personId, entry.reviewer))),
    unreviewedMerges: peoples.filter((pr) => !pr.approved).map(named),
    size: SIZE_BANDS.map(({ band, max }, index) => {
      const min = index === 0 ? -Infinity : SIZE_BANDS[index - 1]!.max;
      const inBand = peoples.filter((pr) => pr.size !== null && pr.size > min && pr.size <= max);
      return { band, maxLines: Number.isFinite(max) ? max : null, merged: inBand.length, cycle: spread(inBand.map((pr) => pr.cycleMs)) };
    }),
    tickets: perWeek.map((week) => week.tickets),
    cappedCommitLists: allMerged.filter((pr) => pr.commitsCapped).map(named),
    period: {
      merged: peoples.length,
      coding: spread(values(peoples.map((pr) => pr.codingMs))),
      pickup: spread(values(peoples.map((pr) => pr.pickupMs))),
      review: spread(values(peoples.map((pr) => pr.reviewMs))),
      cycle: spread(peoples.map((pr) => pr.cycleMs)),
      approvedShare: peoples.length > 0 ? peoples.filter((pr) => pr.approved).length / peoples.length : null,
      ticketsClosed: perWeek.reduce((sum, week) => sum + week.tickets.closed, 0),
      lead: spread(values(perWeek.flatMap((week) => week.closedLeads))),
    },
  };
}

/** Reviews per reviewer (by GitHub id; reviews by deleted accounts together), most first. */
function reviewerCounts(reviews: ReviewEntry[]): Report["reviewers"] {
  const counts = new Map<number | null, Report["reviewers"][number]>();
  for (const review of reviews) {
    const key = review.reviewer?.id ?? null;
    const row = counts.get(key) ?? { reviewer: review.reviewer, bot: review.bot, reviews: 0 };
    row.reviews += 1;
    counts.set(key, row);
  }
  return [...counts.values()].sort((a, b) => b.reviews - a.reviews || (a.reviewer?.login ?? "").localeCompare(b.reviewer?.login ?? ""));
}
