/** Vocabulary for generated data: plausible, short, and fixed so output is deterministic. */

export const FIRST_NAMES = [
  "ada", "alan", "amara", "ana", "ben", "carla", "chen", "dana", "diego", "elif", "emma", "farah", "felix", "grace",
  "hana", "ivan", "jonas", "kai", "kemal", "lea", "lina", "marco", "maya", "nadia", "noah", "omar", "priya", "quinn",
  "rafael", "rosa", "sam", "sofia", "tariq", "uma", "vera", "wei", "yara", "yusuf", "zoe", "ingrid",
] as const;

export const LAST_NAMES = [
  "abe", "bauer", "costa", "dubois", "eriksen", "fischer", "garcia", "hughes", "ito", "jensen", "kaya", "lopez",
  "moreau", "nakamura", "okafor", "petrov", "quispe", "rossi", "silva", "tanaka", "usman", "varga", "weber", "xu",
  "yilmaz", "zhang",
] as const;

export const REPO_WORDS = [
  "api", "billing", "catalog", "checkout", "console", "data", "deploy", "docs", "events", "gateway", "identity",
  "infra", "ingest", "insights", "ledger", "mobile", "notify", "orders", "pipeline", "platform", "reports", "search",
  "sdk", "storage", "web", "worker",
] as const;

export const REPO_SUFFIXES = ["service", "app", "core", "tools", "ui", "jobs", "lib", "server"] as const;

export const LANGUAGES = ["TypeScript", "Go", "Python", "Java", "Kotlin", "Ruby", "Rust", "Swift"] as const;

export const TOPICS = ["backend", "frontend", "infra", "internal", "api", "analytics", "mobile", "payments"] as const;

export const LABELS = ["bug", "enhancement", "documentation", "tech-debt", "security", "performance", "dependencies"] as const;

export const MILESTONES = ["Q1", "Q2", "Q3", "Q4", "v2.0", "Backlog"] as const;

export const VERBS = ["Add", "Fix", "Refactor", "Remove", "Update", "Improve", "Document", "Speed up", "Test", "Rename"] as const;

export const SUBJECTS = [
  "retry logic", "pagination", "login flow", "cache invalidation", "error handling", "rate limiting", "CSV export",
  "webhook handler", "schema migration", "search index", "dark mode", "audit log", "billing report", "config loader",
  "health check", "feature flags", "timezone handling", "build script", "dependency versions", "API client",
] as const;

export const ISSUE_SUBJECTS = [
  "crashes on empty input", "is slow for large orgs", "shows wrong totals", "needs documentation", "times out",
  "should support SSO", "returns 500 after deploy", "ignores the locale", "leaks memory", "breaks on Safari",
] as const;

export const DIRECTORIES = ["src", "src/api", "src/core", "src/ui", "lib", "test", "docs", "scripts"] as const;

export const FILE_STEMS = ["index", "client", "handler", "model", "service", "utils", "config", "router", "store", "types"] as const;

export const EXTENSIONS: Record<string, string> = {
  TypeScript: "ts",
  Go: "go",
  Python: "py",
  Java: "java",
  Kotlin: "kt",
  Ruby: "rb",
  Rust: "rs",
  Swift: "swift",
};
