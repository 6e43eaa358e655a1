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
      token: { id: number; name: string; role: TokenRole };
    };

export const anonymous: Principal = { kind: "anonymous" };
