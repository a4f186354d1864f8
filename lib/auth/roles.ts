// Roles are ordered: each one may do what the ones below it may.
//   viewer  read experiments, results, runs and their activity
//   editor  create, edit, analyse, cancel and decide
//   admin   users, API keys, webhooks, the app-wide audit log

export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` (null: no access at all) may do what `need` may. */
export function roleAllows(role: Role | null, need: Role): boolean {
  return role !== null && RANK[role] >= RANK[need];
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "reads experiments and results",
  editor: "also creates, edits, analyses and cancels",
  admin: "also manages users, API keys and webhooks",
};
