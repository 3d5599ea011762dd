/** A failure with the HTTP status and message the person (or API client) should see. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Input that does not fit: a plain sentence per field (`""` for a lone path parameter), shown next to it. */
export class InvalidInput extends HttpError {
  override name = "InvalidInput";
  constructor(readonly problems: Readonly<Record<string, string>>) {
    super(400, [...new Set(Object.values(problems))].join(" "));
  }
}

export const notFound = (message = "There is nothing at this address, or your account cannot access it.") => new HttpError(404, message);
