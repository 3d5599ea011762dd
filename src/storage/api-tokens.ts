import { isValidObjectId } from "mongoose";
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

/** The token with this hash, marked as used now. */
export function useApiToken(tokenHash: string) {
  return ApiTokenModel.findOneAndUpdate({ tokenHash }, { $set: { lastUsedAt: new Date() } }, { new: true }).lean();
}
