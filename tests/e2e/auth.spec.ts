import { expect, test } from "@playwright/test";
import { bearer, credentials, signIn } from "./support/auth";

// Signing in and out through the real pages, what each role sees, and the admin page's users and keys.

test("a wrong password is refused with a plain message; the right one signs in, and sign-out ends the session", async ({ page }) => {
  const { email, password } = credentials().users.viewer;
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(`${password}-wrong`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#sign-in-error")).toHaveText("The email or password is not right.");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/experiments$/);
  await expect(page.getByTestId("user-menu")).toContainText(`${email} viewer`);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
});

test("a viewer reads but gets no write controls, and is sent to /forbidden for editor pages", async ({ page }) => {
  await signIn(page, "viewer", "/experiments/checkout-redesign");
  await expect(page.getByTestId("row-purchases-treatment")).toBeVisible();
  await expect(page.getByRole("button", { name: "Refresh analysis" })).toHaveCount(0);
  await page.goto("/experiments");
  await expect(page.getByRole("link", { name: "New experiment" })).toHaveCount(0);
  await page.goto("/experiments/new");
  await expect(page).toHaveURL(/\/forbidden\?need=editor$/);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(page.locator("main")).toContainText("signed in as viewer@e2e.test with the viewer role");
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/forbidden\?need=admin$/);
});

test("after sign-in the visitor returns to the page they asked for, never to another site", async ({ page }) => {
  await signIn(page, "editor", "/experiments/feed-autoplay");
  await expect(page).toHaveURL(/\/experiments\/feed-autoplay$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/); // signed out before the next sign-in
  await signIn(page, "editor", "//evil.example/steal");
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/experiments$/);
});

test("an admin creates a user, who signs in with the one-time password and changes it; role changes apply at once", async ({ page, browser }) => {
  const email = `new-${Date.now().toString(36)}@e2e.test`;
  await signIn(page, "admin", "/admin");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByRole("button", { name: "Create user" }).click();
  const secret = page.getByTestId("admin-secret");
  await expect(secret).toBeVisible();
  const oneTime = (await secret.innerText()).trim();
  expect(oneTime).toMatch(/^[A-Za-z0-9_-]{20}$/);
  await expect(page.getByTestId("users-table").locator(`tr[data-email="${email}"]`)).toContainText("viewer");

  const other = await browser.newContext();
  const them = await other.newPage();
  await them.goto("/sign-in?next=/account");
  await them.getByLabel("Email").fill(email);
  await them.getByLabel("Password").fill(oneTime);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(them.getByRole("heading", { name: "Your account" })).toBeVisible();
  await them.getByLabel("Current password").fill(oneTime);
  await them.getByLabel("New password (at least 10 characters)").fill("my own long password");
  await them.getByRole("button", { name: "Change password" }).click();
  await expect(them.getByRole("status")).toHaveText("Password changed.");

  // promoted while signed in: the next page shows the editor's controls
  const row = page.getByTestId("users-table").locator(`tr[data-email="${email}"]`);
  await row.getByRole("combobox").selectOption("editor");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByTestId("admin-result")).toContainText(`${email} is now editor.`);
  await them.goto("/experiments/checkout-redesign");
  await expect(them.getByRole("button", { name: "Refresh analysis" })).toBeVisible();

  // removed: their session ends with them
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("users-table").locator(`tr[data-email="${email}"]`).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId("users-table").locator(`tr[data-email="${email}"]`)).toHaveCount(0);
  await them.goto("/account");
  await expect(them).toHaveURL(/\/sign-in/);
  await other.close();
});

test("an admin makes an API key that is shown once, works as Bearer, records its use, and stops when revoked", async ({ page, request }) => {
  const name = `key-${Date.now().toString(36)}`;
  await signIn(page, "admin", "/admin");
  await page.getByLabel("Name", { exact: true }).last().fill(name);
  await page.getByLabel("Scope").selectOption("read");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("admin-secret").innerText()).trim();
  expect(key).toMatch(/^exr_read_[A-Za-z0-9_-]{43}$/);
  const row = page.getByTestId("keys-table").locator(`tr[data-key-name="${name}"]`);
  await expect(row).toContainText("never");
  await page.reload();
  await expect(page.locator("body")).not.toContainText(key); // never shown again

  const auth = { authorization: `Bearer ${key}` };
  expect((await request.get("/api/experiments", { headers: auth })).status()).toBe(200);
  expect((await request.post("/api/experiments/checkout-redesign/refresh", { headers: auth })).status()).toBe(403);
  await page.reload();
  await expect(page.getByTestId("keys-table").locator(`tr[data-key-name="${name}"]`)).not.toContainText("never");

  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("keys-table").locator(`tr[data-key-name="${name}"]`).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("keys-table").locator(`tr[data-key-name="${name}"]`)).toContainText("revoked");
  expect((await request.get("/api/experiments", { headers: auth })).status()).toBe(401);
  expect((await request.get("/api/experiments", { headers: bearer("read") })).status()).toBe(200); // others still work
});
