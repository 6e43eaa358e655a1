import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError, type ErrorKind } from "../lib/domain-error.js";
import { DetailedError } from "../lib/error-details.js";

/**
 * How a route's clients expect errors: the Hub's JSON with `X-Error-*`
 * headers, git's plain text with a Basic challenge, git-lfs JSON with an
 * `LFS-Authenticate` challenge, or OpenAI's `{"error": {message, type, param,
 * code}}` envelope. A route picks one with `config.errorStyle`.
 */
export type ErrorStyle = "hub" | "git" | "lfs" | "openai";

declare module "fastify" {
  interface FastifyContextConfig {
    errorStyle?: ErrorStyle;
  }
}

const statusOf: Record<ErrorKind, number> = {
  InvalidArgument: 400,
  Unauthenticated: 401,
  PermissionDenied: 403,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  PreconditionFailed: 412,
  TooLarge: 413,
  Unprocessable: 422,
  RateLimited: 429,
  Unavailable: 503,
};

export const authRealm = 'Basic realm="Modelport", charset="UTF-8"';

/** The only place that turns errors into HTTP answers. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError, request, reply) => {
    const style = request.routeOptions.config?.errorStyle ?? "hub";
    let status: number;
    let message: string;
    let code: string | undefined;
    let details: DetailedError["details"] = {};
    if (err instanceof DomainError) {
      status = statusOf[err.kind];
      message = err.message;
      code = err.code;
      if (err instanceof DetailedError) details = err.details;
      // git-lfs batch.md: validation errors are 422.
      if (style === "lfs" && err.kind === "InvalidArgument") status = 422;
    } else if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      message = err.message;
    } else if (request.raw.destroyed || (err as NodeJS.ErrnoException).code === "ECONNRESET") {
      // The client went away mid-request (an aborted upload): nothing to answer, nothing wrong here.
      request.log.info({ err: err.message }, "client closed the connection");
      status = 499;
      message = "client closed the connection";
    } else {
      request.log.error({ err }, "request failed");
      status = 500;
      message = "Internal error; the server log has details (request id in X-Request-Id)";
    }
    sendError(request, reply, style, status, message, code, details);
  });

  app.setNotFoundHandler((request, reply) => {
    const style = request.url.startsWith("/v1/") ? "openai" : "hub";
    sendError(request, reply, style, 404, `No route for ${request.method} ${request.url.split("?")[0]}`);
  });
}

/**
 * Errors Fastify raises before a route runs (a malformed percent-encoding in the
 * URL, …) get the same answer shape and headers as every other error.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header("X-Request-Id", request.id);
  sendError(request, reply, "hub", err.statusCode && err.statusCode < 500 ? err.statusCode : 400, err.message);
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  style: ErrorStyle,
  status: number,
  message: string,
  code?: string,
  details: DetailedError["details"] = {},
): void {
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  reply.code(status);
  reply.header("X-Error-Message", headerSafe(message));
  if (code) reply.header("X-Error-Code", code);
  // A browser answers a Basic challenge to its own fetch() with a password dialog over the web app
  // (which signs in with its session cookie), so fetch()/XHR calls (`Sec-Fetch-Dest: empty`) get none.
  if (status === 401 && request.headers["sec-fetch-dest"] !== "empty") reply.header("WWW-Authenticate", authRealm);
  if (details.retryAfterSeconds !== undefined) reply.header("Retry-After", String(Math.ceil(details.retryAfterSeconds)));
  if (style === "openai") {
    reply.type("application/json; charset=utf-8").send(JSON.stringify(openAiError(status, message, code, details)));
  } else if (style === "lfs") {
    if (status === 401) reply.header("LFS-Authenticate", authRealm);
    reply.type("application/vnd.git-lfs+json").send(JSON.stringify({ message, request_id: request.id }));
  } else if (style === "git") {
    reply.type("text/plain; charset=utf-8").send(`${message}\n`);
  } else {
    reply.type("application/json; charset=utf-8").send(JSON.stringify({ error: message, ...(details.url && { url: details.url }) }));
  }
}

/**
 * OpenAI's error envelope (what the official clients turn into typed
 * exceptions): `type` from the status, `param` and `code` when known.
 */
export function openAiError(status: number, message: string, hubCode?: string, details: DetailedError["details"] = {}) {
  const type =
    status === 401 ? "authentication_error"
    : status === 403 ? "permission_error"
    : status === 429 ? "rate_limit_error"
    : status >= 500 ? "server_error"
    : "invalid_request_error";
  const code = details.apiCode ?? (status === 401 ? "invalid_api_key" : hubCode ?? null);
  return { error: { message, type, param: details.param ?? null, code } };
}

/** Header values must be Latin-1 without control characters; anything else becomes '?'. */
function headerSafe(s: string): string {
  return s.slice(0, 1000).replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
}
