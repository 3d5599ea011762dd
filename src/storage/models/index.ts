// Importing this registers every model with mongoose, so indexes can be built before the first request.
export { ApiTokenModel } from "./api-token.js";
export { AppAuthorizationModel } from "./app-authorization.js";
export { CommitModel } from "./commit.js";
export { ConnectionCheckModel } from "./connection-check.js";
export { DeliveryModel } from "./delivery.js";
export { ImportStatusModel } from "./import-status.js";
export { IntegrationModel } from "./integration.js";
export { JobModel } from "./job.js";
export { MemberModel } from "./member.js";
export { PeriodicPassModel } from "./periodic-pass.js";
export { PullRequestModel } from "./pull-request.js";
export { RedeliveryCheckpointModel, RedeliveryModel } from "./redelivery.js";
export { ReportWeekModel } from "./report-week.js";
export { RepositoryModel } from "./repository.js";
export { ReviewModel } from "./review.js";
export { TicketModel } from "./ticket.js";
export { UserCredentialModel } from "./user-credential.js";
export { WebSessionModel } from "./web-session.js";
