import { isValidObjectId, type Types } from "mongoose";
import { ApiTokenModel, type ApiToken } from "./models/api-token.js";

export async function createApiToken(token: Omit<ApiToken, "lastUsedAt">) {
  const created = await ApiTokenModel.create(token);
  return created.toObject();
}

export function listApiTokens(userId: number) {
  return ApiTokenModel.find({ userId }, { tokenHash: 0 }).sort({ createdAt: -1 }).lean();
}

/** Deletes one of the user's tokens; false when they have no token with that id. */
export async function deleteApiToken(userId: number, tokenId: string): Promise<boolean> {
  if (!isValidObjectId(tokenId)) return false;
  const result = await ApiTokenModel.deleteOne({ userId, _id: tokenId });
  return result.deletedCount === 1;
}

export function findApiToken(tokenHash: string) {
  return ApiTokenModel.findOne({ tokenHash }, { tokenHash: 0 }).lean();
}

/**
 * Records a use unless one since `staleBefore` is recorded already: one conditional update, so concurrent requests
 * write once between them and a script's requests within that window write nothing.
 */
export async function markApiTokenUsed(id: Types.ObjectId, at: Date, staleBefore: Date): Promise<void> {
  await ApiTokenModel.updateOne({ _id: id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: staleBefore } }] }, { $set: { lastUsedAt: at } });
}
