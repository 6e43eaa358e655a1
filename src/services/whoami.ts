import { DomainError } from "../lib/domain-error.js";
import type { Principal } from "./principal.js";

export type UserPrincipal = Extract<Principal, { kind: "user" }>;

/**
 * The caller of `GET /api/whoami-v2`: only a token holder has an identity to
 * report. The message is the Hub's, which huggingface_hub recognises.
 */
export function whoAmI(p: Principal): UserPrincipal {
  if (p.kind === "anonymous") throw new DomainError("Unauthenticated", "Invalid credentials in Authorization header");
  return p;
}
