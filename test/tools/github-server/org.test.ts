import { describe, expect, it, vi } from "vitest";
import { DEFAULT_ORG, GeneratedOrg } from "../../../tools/github-server/org/generate.js";

const small = { ...DEFAULT_ORG, repos: 4, pulls: 120, issues: 60, commits: 200, members: 10 };

/** Everything the generator produces for a repository, in a stable form. */
function snapshot(org: GeneratedOrg, order: "forward" | "backward") {
  const repos = order === "forward" ? org.org.repos : org.org.repos.toReversed();
  const result: Record<string, unknown> = {};
  for (const repo of repos) {
    const pulls = order === "forward" ? org.pulls(repo) : org.pulls(repo).toReversed();
    result[repo.name] = {
      pulls: pulls.map((p) => ({ number: p.number, ready: p.readyForReview, reviews: org.reviews(p), commits: org.commits(p).map((c) => c.sha), comments: org.comments(p), threads: org.reviewComments(p) })),
      issues: org.issues(repo).map((i) => ({ number: i.number, comments: org.comments(i) })),
      branch: org.branch(repo).map((c) => c.sha),
    };
  }
  return JSON.stringify(result, Object.keys(result).sort());
}

describe("the generated organization", () => {
  it("is the same for the same seed, whatever is read first, and different for another seed", () => {
    expect(snapshot(new GeneratedOrg(small), "forward")).toBe(snapshot(new GeneratedOrg(small), "backward"));
    expect(snapshot(new GeneratedOrg({ ...small, seed: 2 }), "forward")).not.toBe(snapshot(new GeneratedOrg(small), "forward"));
  });

  it("has exactly the requested sizes", () => {
    const org = new GeneratedOrg(small);
    const sum = (count: (repo: (typeof org.org.repos)[number]) => number) => org.org.repos.reduce((total, repo) => total + count(repo), 0);
    expect(org.org.repos).toHaveLength(4);
    expect(org.org.members).toHaveLength(10);
    expect(sum((repo) => org.pulls(repo).length)).toBe(120);
    expect(sum((repo) => org.content(repo).items.filter((i) => i.kind !== "pull").length)).toBe(60);
    expect(sum((repo) => org.branch(repo).length)).toBe(200);
  });

  it("has the shapes GitHub's limits make interesting", () => {
    const org = new GeneratedOrg(small);
    const pulls = org.org.repos.flatMap((repo) => org.pulls(repo));
    const items = org.org.repos.flatMap((repo) => org.content(repo).items);
    expect(pulls.some((p) => org.reviews(p).length > 100 && org.commits(p).length > 100)).toBe(true);
    expect(pulls.some((p) => org.commits(p).length > 250)).toBe(true);
    expect(pulls.some((p) => p.draft && p.closedAt === null)).toBe(true);
    expect(pulls.some((p) => p.closedAt !== null && p.mergedAt === null)).toBe(true);
    expect(pulls.some((p) => p.mergedAt !== null)).toBe(true);
    expect(pulls.some((p) => p.forcePushed)).toBe(true);
    expect(pulls.some((p) => p.author?.kind === "Bot")).toBe(true);
    expect(pulls.some((p) => org.reviews(p).some((r) => r.author === null))).toBe(true);
    expect(items.some((i) => i.kind === "transferred")).toBe(true);
    expect(items.some((i) => i.kind === "deleted")).toBe(true);
    expect(org.org.repos.some((r) => r.previousNames.length > 0)).toBe(true);
    const branch = org.branch(org.org.repos[0]!);
    expect(branch.some((c) => c.parents.length === 2)).toBe(true);
    for (const pull of pulls.slice(0, 20)) {
      for (const review of org.reviews(pull)) expect(review.author?.id).not.toBe(pull.author?.id);
    }
  });

  it("has pull requests that were opened as drafts and left draft later, some of them twice", () => {
    const org = new GeneratedOrg(small);
    const pulls = org.org.repos.flatMap((repo) => org.pulls(repo));
    const readied = pulls.filter((p) => p.readyForReview.length > 0);
    expect(readied.filter((p) => p.mergedAt !== null).length).toBeGreaterThan(5);
    expect(readied.some((p) => p.readyForReview.length === 2)).toBe(true);
    for (const pull of readied) {
      expect(pull.draft).toBe(false);
      expect(pull.author?.kind).toBe("User");
      expect(pull.readyForReview).toEqual(pull.readyForReview.toSorted((a, b) => a - b));
      expect(pull.readyForReview[0]!).toBeGreaterThanOrEqual(pull.createdAt);
      expect(pull.readyForReview.at(-1)!).toBeLessThanOrEqual(pull.closedAt ?? pull.updatedAt);
    }
    // Some of them were reviewed only after they left draft, so their pickup time is shorter than since opening.
    expect(readied.some((p) => p.mergedAt !== null && org.reviews(p).length > 0 && org.reviews(p).every((r) => r.submittedAt > p.readyForReview.at(-1)!))).toBe(true);
  });

  it("gives every review, comment and review comment an id of its own across the organization", () => {
    const org = new GeneratedOrg(small);
    const pulls = org.org.repos.flatMap((repo) => org.pulls(repo));
    const issues = org.org.repos.flatMap((repo) => org.issues(repo));
    const unique = (idsOf: number[]) => expect(new Set(idsOf).size).toBe(idsOf.length);
    unique(pulls.flatMap((pull) => org.reviews(pull).map((review) => review.id)));
    unique(pulls.flatMap((pull) => org.reviewComments(pull).map((comment) => comment.id)));
    unique([...pulls, ...issues].flatMap((item) => org.comments(item).map((comment) => comment.id)));
  });

  it("is generated lazily and holds a 20-repo / 10,000-PR / 5,000-issue / 20,000-commit org comfortably", () => {
    // Private, so reached by name: the constructor must generate no repository's content.
    const generateContent = vi.spyOn(GeneratedOrg.prototype as unknown as { generateContent: () => unknown }, "generateContent");
    const org = new GeneratedOrg({ ...DEFAULT_ORG, repos: 20, pulls: 10_000, issues: 5_000, commits: 20_000, members: 200 });
    expect(generateContent).not.toHaveBeenCalled();
    const heapBefore = process.memoryUsage().heapUsed;
    let reviews = 0;
    let commits = 0;
    for (const repo of org.org.repos) {
      commits += org.branch(repo).length;
      for (const pull of org.pulls(repo)) {
        reviews += org.reviews(pull).length;
        commits += org.commits(pull).length;
        org.comments(pull);
        org.reviewComments(pull);
      }
      for (const issue of org.issues(repo)) org.comments(issue);
    }
    const grownMB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(reviews).toBeGreaterThan(10_000);
    expect(commits).toBeGreaterThan(40_000);
    expect(generateContent).toHaveBeenCalledTimes(20);
    expect(grownMB).toBeLessThan(400);
  });
});
