import Link from "next/link";

/** An editor's links on the experiment page: the definition, counts (counts experiments), balanced assignment. */
export function ExperimentActions({ experimentId, counts }: { experimentId: string; counts: boolean }) {
  const base = `/experiments/${encodeURIComponent(experimentId)}`;
  if (counts) {
    return (
      <Link className="button" href={`${base}/counts`}>
        Edit counts
      </Link>
    );
  }
  return (
    <>
      <Link className="button" href={`${base}/edit`}>
        Edit experiment
      </Link>
      <Link className="button" href={`${base}/balance`}>
        Balanced assignment
      </Link>
    </>
  );
}
