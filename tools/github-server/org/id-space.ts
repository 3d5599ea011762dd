/**
 * Database ids must fit GraphQL's 32-bit `Int` (GitHub's `databaseId`), so each kind of object gets a range and
 * each repository a block within it; ids inside a block follow the repository's own order, which keeps them
 * independent of what was read first. Activity after startup draws from a range of its own.
 */
export const MAX_REPOS = 80;
const BLOCK = 5_000_000;

export const ids = {
  pull: (repoIndex: number, number: number) => 200_000_000 + repoIndex * 1_000_000 + number,
  issue: (repoIndex: number, number: number) => 300_000_000 + repoIndex * 1_000_000 + number,
  firstReview: (repoIndex: number) => 600_000_000 + repoIndex * BLOCK,
  firstComment: (repoIndex: number) => 1_000_000_000 + repoIndex * BLOCK,
  firstReviewComment: (repoIndex: number) => 1_400_000_000 + repoIndex * BLOCK,
  firstActivity: 1_900_000_000,
} as const;
