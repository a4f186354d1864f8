import Link from "next/link";

export default function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no page here. It may have been renamed or deleted.</p>
      <p>
        <Link href="/experiments">All experiments</Link>
      </p>
    </section>
  );
}
