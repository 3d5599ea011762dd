// Importing this registers every model with mongoose, so indexes can be built before the first request.
export { AppAuthorizationModel } from "./app-authorization.js";
export { DeliveryModel } from "./delivery.js";
export { IntegrationModel } from "./integration.js";
export { RepositoryModel } from "./repository.js";
