/** Token roles as the Hub names them: classic read/write tokens, or fine-grained ones limited to their scopes. */
export const tokenRoles = ["read", "write", "fineGrained"] as const;
export type TokenRole = (typeof tokenRoles)[number];

/** Roles in an organization, weakest first (huggingface.co's; docs/compat/hf-api.md says what each may do). */
export const orgRoles = ["read", "contributor", "write", "admin"] as const;
export type OrgRole = (typeof orgRoles)[number];

/**
 * What a fine-grained token may do within one of its scopes, named as the
 * Hub's fine-grained permissions are: read private repos and files, write
 * repos (content and settings), manage an organization (members), call
 * inference on models.
 */
export const scopePermissions = ["repo.content.read", "repo.write", "org.read", "org.write", "inference.serverless.write"] as const;
export type ScopePermission = (typeof scopePermissions)[number];

/** What a scope is about: a namespace (the token owner's own, or an org) or one repo (`namespace/name`). */
export const scopeEntityTypes = ["user", "org", "model", "dataset", "space"] as const;
export type ScopeEntityType = (typeof scopeEntityTypes)[number];

/** One scope of a fine-grained token (whoami-v2's `auth.accessToken.fineGrained.scoped[]`). */
export interface TokenScope {
  entity: { type: ScopeEntityType; name: string };
  permissions: ScopePermission[];
}

/** An organization the caller belongs to, with their role in it (loaded with the token). */
export interface OrgMembership {
  id: number;
  name: string;
  fullname: string;
  role: OrgRole;
}

/** Who is calling: nobody, or a user through one of their tokens. */
export type Principal =
  | { kind: "anonymous" }
  | {
      kind: "user";
      userId: number;
      name: string;
      fullname: string;
      email: string | null;
      isAdmin: boolean;
      /** How the caller signed in; absent means a token. A session has the user's full rights. */
      via?: "token" | "session";
      /** The organizations the user belongs to, read with the token on every request (never cached). */
      orgs: OrgMembership[];
      /**
       * The token in use; times are ISO UTC (whoami-v2 reports them). A
       * `fineGrained` token acts only within its `scoped` entities.
       */
      token: {
        id: number;
        name: string;
        role: TokenRole;
        createdAt: string;
        expiresAt?: string | null;
        scoped?: TokenScope[];
        /** A fine-grained token that may also read public gated repos the user was accepted to (the Hub's `canReadGatedRepos`). */
        canReadGatedRepos?: boolean;
      };
    };

export const anonymous: Principal = { kind: "anonymous" };
