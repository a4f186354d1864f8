import { readFileSync } from "node:fs";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { e2eCredentialsFile } from "../../../playwright.config";

// The users and keys tests/e2e/prepare.ts made for this server, and signing in through the real form.

export type E2eRole = "viewer" | "editor" | "admin";
export type E2eScope = "read" | "write" | "client";

interface Credentials {
  users: Record<E2eRole, { email: string; password: string }>;
  keys: Record<E2eScope, string>;
}

let cached: Credentials | undefined;
export function credentials(): Credentials {
  cached ??= JSON.parse(readFileSync(e2eCredentialsFile, "utf8")) as Credentials;
  return cached;
}

export function bearer(scope: E2eScope): Record<string, string> {
  return { authorization: `Bearer ${credentials().keys[scope]}` };
}

/** Signs in through /sign-in as the role's user and waits until the header names them. */
export async function signIn(page: Page, role: E2eRole, next = "/experiments"): Promise<void> {
  const { email, password } = credentials().users[role];
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user-menu")).toContainText(email);
}

/** Follows a run (GET /api/runs/<id>) until it has finished; its last status. */
export async function runOutcome(request: APIRequestContext, runId: number, timeoutMs = 60_000): Promise<{ status: string; error: string | null; snapshotNumber: number | null }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await request.get(`/api/runs/${runId}`, { headers: bearer("read") })).json()) as { status: string; error: string | null; snapshotNumber: number | null };
    if (!["queued", "running"].includes(body.status)) return body;
    if (Date.now() > end) throw new Error(`run ${runId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
