export { startGitHubServer, type GitHubServer } from "./server.js";
export type { GitHubServerOptions } from "./options.js";
export type { ActivityOptions, InstallOptions, RepositoryChange } from "./simulate.js";
export type { StatsSnapshot } from "./stats.js";
export type { Delivery } from "./webhooks/deliveries.js";
export { signature as webhookSignature } from "./webhooks/send.js";
