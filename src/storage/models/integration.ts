import { Schema, model, type InferSchemaType } from "mongoose";

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

const auditEntrySchema = new Schema(
  {
    action: { type: String, required: true },
    actor: { type: actorSchema, default: null },
    at: { type: Date, required: true },
    /** X-GitHub-Delivery of the webhook that caused it; null for changes found by reconciliation. */
    deliveryId: { type: String, default: null },
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
    audit: { type: [auditEntrySchema], default: [] },
  },
  { timestamps: true },
);
integrationSchema.index({ installationId: 1 }, { unique: true });
integrationSchema.index({ "account.id": 1 });

export type Integration = InferSchemaType<typeof integrationSchema>;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];
export type Actor = InferSchemaType<typeof actorSchema>;
export type AuditEntry = InferSchemaType<typeof auditEntrySchema>;
export const IntegrationModel = model("Integration", integrationSchema);
