import { UserCredentialModel, type UserCredential } from "./models/user-credential.js";

export async function saveUserCredential(credential: UserCredential): Promise<void> {
  await UserCredentialModel.updateOne({ userId: credential.userId }, { $set: credential }, { upsert: true });
}

export function findUserCredential(userId: number) {
  return UserCredentialModel.findOne({ userId }).lean();
}

export async function deleteUserCredential(userId: number): Promise<void> {
  await UserCredentialModel.deleteOne({ userId });
}
