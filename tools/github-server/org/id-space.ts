/**
 * Database ids must fit GraphQL's 32-bit `Int` (GitHub's `databaseId`), so each kind of object gets a range and
 * each repository a block within it; ids inside a block follow the repository's own order, which keeps them
 * independent of what was read first. Activity after startup draws from a range of its own.
 *
 * The first 80 repositories (`WIDE_REPOS`) have wide blocks (a million numbers, five million reviews or comments
 * each); organizations of thousands of small repositories give the rest narrow blocks in the ranges the wide ones
 * leave free, so ids of the first 80 stay what they always were.
 */
export const WIDE_REPOS = 80;
export const MAX_REPOS = 5_000;
/** Pull requests and issues a narrow-block repository may be generated with (so its comments fit its block). */
export const MAX_NARROW_ITEMS = 500;
const BLOCK = 5_000_000;
/** Numbers (pull requests and issues, generated and live) and reviews, comments, review comments per narrow block. */
const NARROW_NUMBERS = 18_000;
const NARROW_DETAILS = 22_000;
const NARROW_REVIEW_COMMENTS = 20_000;

const wide = (repoIndex: number) => repoIndex < WIDE_REPOS;
const narrow = (repoIndex: number) => repoIndex - WIDE_REPOS;

export const ids = {
  pull: (repoIndex: number, number: number) =>
    wide(repoIndex) ? 200_000_000 + repoIndex * 1_000_000 + number : 10_000_000 + narrow(repoIndex) * NARROW_NUMBERS + number,
  issue: (repoIndex: number, number: number) =>
    wide(repoIndex) ? 300_000_000 + repoIndex * 1_000_000 + number : 100_000_000 + narrow(repoIndex) * NARROW_NUMBERS + number,
  firstReview: (repoIndex: number) => (wide(repoIndex) ? 600_000_000 + repoIndex * BLOCK : 380_000_000 + narrow(repoIndex) * NARROW_DETAILS),
  firstComment: (repoIndex: number) => (wide(repoIndex) ? 1_000_000_000 + repoIndex * BLOCK : 490_000_000 + narrow(repoIndex) * NARROW_DETAILS),
  firstReviewComment: (repoIndex: number) =>
    wide(repoIndex) ? 1_400_000_000 + repoIndex * BLOCK : 1_800_000_000 + narrow(repoIndex) * NARROW_REVIEW_COMMENTS,
  firstActivity: 1_900_000_000,
} as const;
