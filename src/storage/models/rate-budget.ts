import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * One installation's primary rate-limit window for one resource, shared by every replica (the rate budget's database
 * store, used when no REDIS_URL is set): `_id` is `installationId:resource`.
 */
const rateWindowSchema = new Schema(
  {
    _id: { type: String, required: true },
    limit: { type: Number, required: true },
    remaining: { type: Number, required: true },
    /**
     * `remaining` less the reserve (5 % of `limit`): a request may spend its cost while this holds at least that cost,
     * so a spend is one conditional `$inc` of both fields.
     */
    spendable: { type: Number, required: true },
    resetAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** What a GraphQL operation (by its name) cost the last time GitHub answered it, for every replica. */
const rateCostSchema = new Schema(
  {
    _id: { type: String, required: true },
    cost: { type: Number, required: true },
  },
  { versionKey: false },
);
rateCostSchema.index({ cost: -1 });

export type RateWindowDocument = InferSchemaType<typeof rateWindowSchema>;
export const RateWindowModel = model("RateWindow", rateWindowSchema);
export const RateCostModel = model("RateCost", rateCostSchema);
