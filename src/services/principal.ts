/** Token roles; fine-grained scopes come with organizations. */
export const tokenRoles = ["read", "write"] as const;
export type TokenRole = (typeof tokenRoles)[number];

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
      /** The token in use; `createdAt` is ISO UTC (whoami-v2 reports it). */
      token: { id: number; name: string; role: TokenRole; createdAt: string };
    };

export const anonymous: Principal = { kind: "anonymous" };
