/** A failure with the HTTP status and message the person (or API client) should see. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const notFound = () => new HttpError(404, "Not found");
