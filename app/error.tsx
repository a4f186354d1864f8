"use client";

// Unexpected server errors: a readable message and a retry, never a stack trace.
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section>
      <h1>Something went wrong</h1>
      <p>The page could not be shown. The error has been logged on the server.</p>
      <button onClick={() => reset()}>Try again</button>
    </section>
  );
}
