import { expect } from "vitest";
import { CommitModel } from "../../src/storage/models/commit.js";
import { MemberModel } from "../../src/storage/models/member.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { TicketModel } from "../../src/storage/models/ticket.js";
import { SCRIPTED_TOTALS } from "./scripted-github.js";

/** Everything the scripted organization holds is stored, each record once (unique indexes forbid copies). */
export async function expectScriptedOrganizationStored(): Promise<void> {
  const stored = {
    pullRequests: await PullRequestModel.countDocuments(),
    reviews: await ReviewModel.countDocuments(),
    commits: await CommitModel.countDocuments(),
    tickets: await TicketModel.countDocuments(),
    members: await MemberModel.countDocuments(),
  };
  expect(stored).toEqual(SCRIPTED_TOTALS);
}
