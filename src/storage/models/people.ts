import { Schema } from "mongoose";

/** A GitHub account as referenced from ingested records: by id (logins change), login kept for display. */
export const userRefSchema = new Schema(
  { id: { type: Number, required: true }, login: { type: String, required: true } },
  { _id: false },
);

/** A git identity: commits are authored by name/email, linked to a GitHub user when GitHub can tell. */
export const gitActorSchema = new Schema(
  {
    name: { type: String, default: null },
    email: { type: String, default: null },
    date: { type: Date, default: null },
    user: { type: userRefSchema, default: null },
  },
  { _id: false },
);

/** What issues and pull requests share: who they are on GitHub, where, their number, title and author. */
export const issueLikeFields = {
  githubId: { type: Number, required: true },
  nodeId: { type: String, required: true },
  repositoryId: { type: Number, required: true },
  installationId: { type: Number, required: true },
  number: { type: Number, required: true },
  title: { type: String, required: true },
  author: { type: userRefSchema, default: null },
} as const;
