import { ConnectionCheckModel, type ConnectionCheck } from "./models/connection-check.js";

export async function saveConnectionCheck(check: ConnectionCheck): Promise<void> {
  await ConnectionCheckModel.updateOne({ installationId: check.installationId }, { $set: check }, { upsert: true });
}

export function findConnectionCheck(installationId: number) {
  return ConnectionCheckModel.findOne({ installationId }).lean();
}
