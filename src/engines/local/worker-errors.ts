import type { WorkerErrorKind } from "./protocol.js";

/** A request failure inside a model worker, reported to the hub with its kind (and the request field at fault). */
export class WorkerRequestError extends Error {
  constructor(
    readonly kind: WorkerErrorKind,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}
