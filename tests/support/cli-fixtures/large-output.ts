// A CLI built on scripts/cli.ts that prints a large JSON document (argv[2] bytes, roughly), then
// exits normally, or with fail() when argv[3] is "fail": both exits must deliver every byte.
import { fail, main } from "../../../scripts/cli";

main(async () => {
  const size = Number(process.argv[2] ?? 1_000_000);
  const rows = Array.from({ length: Math.ceil(size / 40) }, (_, i) => ({ i, pad: "x".repeat(24) }));
  console.log(JSON.stringify({ rows }));
  if (process.argv[3] === "fail") fail("large-output: failing on purpose after the output", 3);
});
