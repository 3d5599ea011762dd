import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import type { Config } from "./config.js";

/** The same pino setup Probot uses (pretty in development, JSON in production), shared by the server and the CLI. */
export async function createLogger(config: Pick<Config, "logLevel" | "logFormat">): Promise<Logger> {
  const transform = await getTransformStream({ logFormat: config.logFormat });
  transform.pipe(process.stdout);
  return pino({ level: config.logLevel, name: "tributary" }, transform);
}
