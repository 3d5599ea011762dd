import type { Actor } from "./models/integration.js";
import { AppAuthorizationModel } from "./models/app-authorization.js";

export async function recordAuthorizationRevoked(user: Actor, at: Date, deliveryId: string): Promise<void> {
  await AppAuthorizationModel.updateOne(
    { userId: user.id },
    { $set: { login: user.login, revokedAt: at, deliveryId } },
    { upsert: true },
  );
}

export function findAuthorizationRevocation(userId: number) {
  return AppAuthorizationModel.findOne({ userId }).lean();
}
