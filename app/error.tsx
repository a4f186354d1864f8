"use client";

// Unexpected server errors: a readable message and a retry, never a stack trace. Next logs the
// error on the server with its digest, so the digest is the reference to quote.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section>
      <h1>Something went wrong</h1>
      <p>
        The page could not be shown. The error has been logged on the server
        {error.digest ? (
          <>
            {" "}
            (reference <code data-testid="error-reference">{error.digest}</code>)
          </>
        ) : null}
        .
      </p>
      <button onClick={() => reset()}>Try again</button>
    </section>
  );
}
