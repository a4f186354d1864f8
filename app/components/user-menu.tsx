"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { authClient } from "@/lib/auth/auth-client";

/** Who is signed in, with sign-out; or a sign-in link. */
export function UserMenu({ user }: { user: { email: string; role: string } | null }) {
  const router = useRouter();
  if (!user) {
    return (
      <Link href="/sign-in" className="user-menu">
        Sign in
      </Link>
    );
  }
  async function signOut() {
    await authClient.signOut();
    router.replace("/sign-in");
    router.refresh();
  }
  return (
    <span className="user-menu" data-testid="user-menu">
      <Link href="/account">{user.email}</Link> <span className="badge">{user.role}</span>{" "}
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </span>
  );
}
