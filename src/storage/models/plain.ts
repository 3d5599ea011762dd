import type { Types } from "mongoose";

/**
 * InferSchemaType types arrays of subdocuments as mongoose DocumentArrays, but records are written and read
 * lean, as plain arrays: this is the shape the rest of the code sees.
 */
export type Plain<T> = { [K in keyof T]: T[K] extends Types.DocumentArray<infer U> ? U[] : T[K] };
