import type { TokenStore } from "./auth/tokens.js";
import type { Installation } from "./installation.js";
import type { ResolvedOptions } from "./options.js";
import type { GeneratedOrg } from "./org/generate.js";
import type { Urls } from "./rest/urls.js";
import type { Stats } from "./stats.js";
import type { DeliveryLog } from "./webhooks/deliveries.js";
import type { InFlight } from "./webhooks/in-flight.js";

/** The server's state, shared by every route. */
export interface ServerContext {
  options: ResolvedOptions;
  generated: GeneratedOrg;
  urls: Urls;
  tokens: TokenStore;
  stats: Stats;
  deliveries: DeliveryLog;
  webhooksInFlight: InFlight;
  /**
   * The app's installations, oldest first. GitHub allows one per account; a second one here covers repositories of
   * the organization the first does not (selected repositories), and stands for a second organization.
   */
  installations: Installation[];
  /** When the app was registered (a fixed point before the installation). */
  appCreatedAt: number;
  now(): number;
}
