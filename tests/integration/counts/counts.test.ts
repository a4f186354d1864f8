import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStatsCli } from "@/lib/stats/cli";
import { useTempEnvironment } from "../../support/temp-env";

// Counts input: counts posted to POST /api/experiments/<id>/counts (users and conversions; n, mean
// and sd) are analysed by the same engine as warehouse data and give exactly the stats CLI's answer
// for the same data given as raw sums. The mean metric's counts are computed here from raw values,
// so the conversion (n, mean, sd) → (n, Σy, Σy²) is checked against sums taken directly.

const env = useTempEnvironment("counts");
let writeKey: string;
let readKey: string;

beforeAll(async () => {
  const { migrate } = await import("@/lib/db/migrate");
  await migrate();
  const { createApiKey } = await import("@/lib/auth/api-keys");
  writeKey = (await createApiKey({ name: "ci", scope: "write" }, null)).key;
  readKey = (await createApiKey({ name: "dash", scope: "read" }, null)).key;
});

afterAll(() => env.cleanup());

async function postCounts(id: string, body: unknown, key = writeKey) {
  const { POST } = await import("@/app/api/experiments/[id]/counts/route");
  const res = await POST(
    new Request(`http://app.test/api/experiments/${id}/counts`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id }) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Deterministic "revenue per user" values: many zeros, a long tail. */
function values(n: number, scale: number, salt: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const u = (((i + 1) * 2654435761 + salt * 40503) % 1000003) / 1000003;
    return u < 0.7 ? 0 : Math.round(scale * -Math.log(1 - u) * 100) / 100;
  });
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

describe("counts input", () => {
  it("creates a counts experiment and answers exactly what the stats engine answers for the same data", async () => {
    const control = values(2400, 20, 1);
    const treatment = values(2550, 23, 2);
    const counts = {
      name: "Newsletter subject line",
      variants: [
        { key: "control", name: "Old subject", users: 2400 },
        { key: "short", name: "Short subject", users: 2550 },
      ],
      metrics: [
        { key: "opened", name: "Opened", type: "proportion", role: "primary", data: { control: { conversions: 612 }, short: { conversions: 731 } } },
        { key: "revenue", name: "Revenue per user", type: "mean", role: "secondary", data: { control: { mean: mean(control), sd: sd(control) }, short: { n: 2550, mean: mean(treatment), sd: sd(treatment) } } },
      ],
    };
    const created = await postCounts("newsletter-subject", counts);
    expect(created.body).toMatchObject({});
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const doc = created.body as unknown as { srm: unknown; metrics: { key: string; variants: Record<string, unknown>[] }[]; users: { variant: string; users: number }[] };

    // the same data as raw sums, through the stats CLI (the engine's own front door)
    const sq = (xs: number[]) => xs.reduce((a, x) => a + x * x, 0);
    const request = {
      alpha: 0.05,
      correction: "none",
      sequential: false,
      control: "control",
      extraIntervals: [0.68],
      variants: [
        { id: "control", weight: 1, users: 2400 },
        { id: "short", weight: 1, users: 2550 },
      ],
      metrics: [
        { key: "opened", type: "proportion", data: { control: { n: 2400, sum: 612 }, short: { n: 2550, sum: 731 } } },
        { key: "revenue", type: "mean", data: { control: { n: 2400, sum: sum(control), sumSquares: sq(control) }, short: { n: 2550, sum: sum(treatment), sumSquares: sq(treatment) } } },
      ],
    };
    const cli = runStatsCli(JSON.stringify(request));
    expect(cli.exitCode).toBe(0);
    const answer = JSON.parse(cli.stdout) as { srm: { pValue: number }; metrics: { key: string; variants: Record<string, unknown>[] }[] };
    expect(doc.users).toEqual([
      { variant: "control", name: "Old subject", users: 2400 },
      { variant: "short", name: "Short subject", users: 2550 },
    ]);
    expect((doc.srm as Record<string, number>).pValue).toBeCloseTo(answer.srm.pValue!, 12);
    for (const key of ["opened", "revenue"]) {
      const ours = doc.metrics.find((m) => m.key === key)!.variants;
      const theirs = answer.metrics.find((m) => m.key === key)!.variants;
      for (const [i, v] of theirs.entries()) {
        const o = ours[i]!;
        for (const field of ["n", "mean", "stdDev", "pValue", "chanceToWin"]) {
          if (v[field] === undefined) continue;
          expect(o[field] as number, `${key}.${String(v.id)}.${field}`).toBeCloseTo(v[field] as number, 9);
        }
        for (const lift of ["absolute", "relative"] as const) {
          if (!v[lift]) continue;
          for (const part of ["estimate", "ciLow", "ciHigh"] as const) {
            expect((o[lift] as Record<string, number>)[part], `${key}.${String(v.id)}.${lift}.${part}`).toBeCloseTo((v[lift] as Record<string, number>)[part] as number, 9);
          }
        }
      }
    }
    // the typed mean and sd come back as the engine's per-user mean and standard deviation
    const revenueControl = doc.metrics.find((m) => m.key === "revenue")!.variants[0]!;
    expect(revenueControl.mean as number).toBeCloseTo(mean(control), 9);
    expect(revenueControl.stdDev as number).toBeCloseTo(sd(control), 9);
    // the primary metric's lift is what the counts say: 731/2550 vs 612/2400
    const opened = doc.metrics.find((m) => m.key === "opened")!.variants[1]!;
    expect((opened.relative as { estimate: number }).estimate).toBeCloseTo(731 / 2550 / (612 / 2400) - 1, 12);
  });

  it("names every problem by its path and saves nothing", async () => {
    const bad = await postCounts("bad-counts", {
      name: "Bad",
      variants: [{ key: "control", users: 100 }, { key: "b" }],
      metrics: [
        { key: "clicks", type: "proportion", data: { control: { conversions: 120 }, b: { conversions: 3 } } },
        { key: "Revenue", type: "mean", data: { control: { mean: 1, sd: -2 } } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([
      { path: "metrics[1].key", message: "a metric key: lower_snake_case letters, digits and _" },
      { path: "metrics[1].data.control.sd", message: "the standard deviation cannot be negative" },
      { path: "metrics[1].data.b", message: "missing: give counts for every variant" },
    ]);
    const noUsers = await postCounts("bad-counts", { name: "Bad", variants: [{ key: "control", users: 100 }, { key: "b" }], metrics: [{ key: "clicks", type: "proportion", data: { control: { conversions: 120 }, b: { conversions: 3 } } }] });
    expect(noUsers.body.problems).toEqual([{ path: "variants[1].users", message: "give the users of this variant" }]);
    const tooMany = await postCounts("bad-counts", { name: "Bad", variants: [{ key: "control", users: 100 }, { key: "b", users: 10 }], metrics: [{ key: "clicks", type: "proportion", data: { control: { conversions: 120 }, b: { conversions: 3 } } }] });
    expect(tooMany.body.problems).toEqual([{ path: "metrics[0].data.control.conversions", message: "more conversions (120) than users (100)" }]);
    const { getExperiment } = await import("@/lib/analysis/store");
    expect(await getExperiment("bad-counts")).toBeNull();
    expect((await postCounts("newsletter-subject", { variants: [], metrics: [] }, readKey)).status).toBe(403);
  });

  it("new counts replace the shown ones; a warehouse experiment refuses counts; the warehouse never runs for counts", async () => {
    const { prisma } = await import("@/lib/db");
    const first = (await prisma.snapshot.findFirst({ where: { experimentId: "newsletter-subject" }, orderBy: { id: "asc" } }))!;
    const again = await postCounts("newsletter-subject", {
      variants: [{ key: "control", users: 1000 }, { key: "short", users: 1000 }],
      metrics: [{ key: "opened", type: "proportion", data: { control: { conversions: 100 }, short: { conversions: 150 } } }],
    });
    expect(again.status).toBe(200);
    const { getExperiment } = await import("@/lib/analysis/store");
    const { loadResultsDocument } = await import("@/lib/analysis/results-document");
    const exp = (await getExperiment("newsletter-subject"))!;
    expect(exp.name).toBe("Newsletter subject line");
    expect(exp.dataSource).toBe("counts");
    const doc = await loadResultsDocument(exp);
    expect(doc.users.map((u) => u.users)).toEqual([1000, 1000]);
    expect(doc.metrics.map((m) => m.key)).toEqual(["opened"]);
    // numbered per experiment like any analysis (#1, #2), so /experiments/<id>/snapshots/<n> opens each
    expect(doc.snapshot?.number).toBe(2);
    const { getSnapshotByNumber } = await import("@/lib/analysis/store");
    expect((await getSnapshotByNumber("newsletter-subject", 1))?.id).toBe(first.id);
    expect((await getSnapshotByNumber("newsletter-subject", 2))?.id).toBe(again.body.snapshotId);
    const { saveExperiment } = await import("@/lib/analysis/store");
    await saveExperiment({ id: "from-warehouse", name: "W", hypothesis: "", owner: "", status: "running", startDate: "2026-11-01", endDate: null, controlVariant: "control", variants: [{ key: "control", name: "C", weight: 1 }, { key: "b", name: "B", weight: 1 }], metrics: [{ key: "purchases", role: "primary" }] });
    const refused = await postCounts("from-warehouse", { variants: [{ key: "control", users: 1 }, { key: "b", users: 1 }], metrics: [{ key: "x", type: "proportion", data: { control: { conversions: 0 }, b: { conversions: 1 } } }] });
    expect(refused.status).toBe(409);
    const { runAnalysis } = await import("@/lib/analysis/run-analysis");
    const run = await runAnalysis("newsletter-subject");
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/analysed from counts typed in or posted, not from the warehouse/);
  });
});
