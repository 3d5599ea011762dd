import { Schema, model, type InferSchemaType } from "mongoose";
import { SERVICES } from "./import-status.js";

const actorSchema = new Schema({ id: { type: Number, required: true }, login: { type: String, required: true } }, { _id: false });

const accountSchema = new Schema(
  {
    id: { type: Number, required: true },
    login: { type: String, required: true },
    type: { type: String, enum: ["Organization", "User", "Enterprise"], required: true },
    avatarUrl: { type: String, default: null },
  },
  { _id: false },
);

/** The old integration's three toggles; all on by default, as users knew them. */
const servicesSchema = new Schema(
  {
    repos: { type: Boolean, default: true },
    pullRequests: { type: Boolean, default: true },
    tickets: { type: Boolean, default: true },
  },
  { _id: false },
);

export const INTEGRATION_STATUSES = ["active", "suspended", "uninstalled"] as const;

/** A repository as an audit entry names it: its name then (the id finds its name now). */
const auditRepositorySchema = new Schema({ id: { type: Number, required: true }, fullName: { type: String, required: true } }, { _id: false });

/*
 * What the Activity page needs to say what changed, recorded with the entry. Each is absent where it does not apply,
 * and from entries written before they existed: the page falls back to what the action says.
 */
const auditDetails = {
  /** The repositories it concerned, the first AUDIT_REPOSITORIES_LISTED of them. */
  repositories: { type: [auditRepositorySchema], default: undefined },
  /** How many repositories it concerned in all, when that is more than are listed. */
  repositoryCount: { type: Number },
  /** A rename: of the integration by a person, of the installed account on GitHub. */
  renamed: { type: new Schema({ from: { type: String, required: true }, to: { type: String, required: true } }, { _id: false }) },
  /** A service switched on or off. */
  service: { type: new Schema({ name: { type: String, enum: SERVICES, required: true }, enabled: { type: Boolean, required: true } }, { _id: false }) },
  /** The dead delivery a person retried (not `deliveryId`: that is the delivery that caused an entry). */
  retriedDelivery: {
    type: new Schema({ id: { type: String, required: true }, event: { type: String, required: true }, action: { type: String, default: null } }, { _id: false }),
  },
};

const auditEntrySchema = new Schema(
  {
    action: { type: String, required: true },
    actor: { type: actorSchema, default: null },
    at: { type: Date, required: true },
    /** X-GitHub-Delivery of the webhook that caused it; null for changes made in Tributary or found by reconciliation. */
    deliveryId: { type: String, default: null },
    ...auditDetails,
  },
  { _id: false },
);

const integrationSchema = new Schema(
  {
    installationId: { type: Number, required: true },
    account: { type: accountSchema, required: true },
    repositorySelection: { type: String, enum: ["all", "selected"], required: true },
    permissions: { type: Map, of: String, default: {} },
    events: { type: [String], default: [] },
    /** GitHub's updated_at of the installation snapshot stored above; older snapshots never overwrite it. */
    snapshotAt: { type: Date, required: true },
    status: { type: String, enum: INTEGRATION_STATUSES, default: "active", required: true },
    statusChangedAt: { type: Date, required: true },
    suspendedBy: { type: actorSchema, default: null },
    uninstalledAt: { type: Date, default: null },
    uninstalledBy: { type: actorSchema, default: null },
    sender: { type: actorSchema, default: null },
    requester: { type: actorSchema, default: null },
    name: { type: String, required: true },
    services: { type: servicesSchema, default: () => ({}), required: true },
    /** Oldest first, the latest AUDIT_TRAIL_LENGTH entries (see appendAudit). */
    audit: { type: [auditEntrySchema], default: [] },
  },
  { timestamps: true },
);
integrationSchema.index({ installationId: 1 }, { unique: true });
integrationSchema.index({ "account.id": 1 });

export type Integration = InferSchemaType<typeof integrationSchema>;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];
export type Actor = InferSchemaType<typeof actorSchema>;
export type AuditRepository = InferSchemaType<typeof auditRepositorySchema>;
/** As written and as read lean: plain arrays (mongoose infers a document array for an array of subdocuments). */
export type AuditEntry = Omit<InferSchemaType<typeof auditEntrySchema>, "repositories"> & { repositories?: AuditRepository[] | null };
export const IntegrationModel = model("Integration", integrationSchema);
