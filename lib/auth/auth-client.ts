import { createAuthClient } from "better-auth/react";

// Better Auth's browser client: sign-in, sign-out and password changes go to /api/auth on this origin.
export const authClient = createAuthClient();
