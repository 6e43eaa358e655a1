/**
 * The few kinds of failure services report. `http/errors.ts` is the only place
 * that turns a kind into a status code and the headers clients read.
 */
export const errorKinds = [
  "InvalidArgument",
  "Unauthenticated",
  "PermissionDenied",
  "NotFound",
  "AlreadyExists",
  "Conflict",
  "PreconditionFailed",
  /** Well-formed but refused on its meaning (the Hub's 422: unsafe commit paths, unknown LFS objects). */
  "Unprocessable",
  "TooLarge",
  /** Too many requests (abuse limits): 429 with `Retry-After`. */
  "RateLimited",
  "Unavailable",
] as const;
export type ErrorKind = (typeof errorKinds)[number];

/** Hub error codes that clients map to typed exceptions (`X-Error-Code`). */
export const hubErrorCodes = ["RepoNotFound", "RevisionNotFound", "EntryNotFound", "GatedRepo"] as const;
export type HubErrorCode = (typeof hubErrorCodes)[number];

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The Hub's `X-Error-Code`, when the failure has one. */
    readonly code?: HubErrorCode,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new DomainError("InvalidArgument", message);
export const repoNotFound = () => new DomainError("NotFound", "Repository not found", "RepoNotFound");
