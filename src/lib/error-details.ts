import { DomainError, type ErrorKind } from "./domain-error.js";

/**
 * A `DomainError` with the extra facts some protocols report: the request
 * field at fault (OpenAI's `param`), a machine-readable code that is not a Hub
 * `X-Error-Code` (OpenAI's `code`, e.g. `model_not_found`), and when to retry
 * (`Retry-After`), and the address of what a request collided with (the Hub's
 * 409 on repo creation carries the existing repo's `url`). `http/errors.ts` reads them; everything else treats it as
 * a plain `DomainError`.
 */
export class DetailedError extends DomainError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly details: { param?: string; apiCode?: string; retryAfterSeconds?: number; url?: string } = {},
  ) {
    super(kind, message);
  }
}

/** A 400 naming the request field at fault. */
export function invalidParam(param: string, message: string): DetailedError {
  return new DetailedError("InvalidArgument", message, { param });
}
