// Preloaded (NODE_OPTIONS=--require) into the processes `npm run bench` starts: each writes its
// peak resident set size to BENCH_RSS_DIR/<pid>.json as it exits. Node's child_process does not
// report a child's rusage, and DuckDB's memory lives inside the process, so the process itself
// has to tell.
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_RSS_DIR;
if (dir) {
  process.on("exit", () => {
    try {
      fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify({ pid: process.pid, maxRssKb: process.resourceUsage().maxRSS }));
    } catch {
      // the bench reports what it finds
    }
  });
}
