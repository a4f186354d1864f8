import type { Metadata } from "next";
import Link from "next/link";
import { currentPrincipal } from "@/lib/auth/authorize";
import { UserMenu } from "./components/user-menu";
import "./globals.css";

export const metadata: Metadata = {
  title: "Experiment results",
  description: "Warehouse-native A/B test results",
};

// Every page is rendered per request: it depends on who is signed in (and CSP nonces need it).
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const who = await currentPrincipal();
  const user = who.kind === "user" ? { email: who.email, role: who.role } : null;
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/experiments" className="brand">
            Experiment results
          </Link>
          <nav aria-label="Main">
            <Link href="/experiments">Experiments</Link>
            {who.role === "admin" ? <Link href="/admin">Admin</Link> : null}
          </nav>
          <UserMenu user={user} />
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
