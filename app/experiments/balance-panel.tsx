"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { BalanceTable } from "@/lib/running/balance";
import { applyBalancedSeedAction, balanceAction, type BalanceOutcome } from "./balance-actions";

const fmt = (x: number | null, digits = 3) => (x === null || !Number.isFinite(x) ? "—" : x.toFixed(digits));

/** One split's balance: per covariate each variation's mean (SD) and each treatment's standardised difference. */
function BalanceTableView({ table, names, title, testId }: { table: BalanceTable; names: Map<string, string>; title: string; testId: string }) {
  return (
    <div className="balance-table">
      <p className="small" id={`${testId}-title`}>
        <strong>{title}</strong>: seed <code>{table.seed}</code> · largest |SMD| <strong data-testid={`${testId}-max`}>{fmt(table.maxAbsSmd)}</strong> ·{" "}
        {table.sizes.map((n, i) => `${names.get(table.variationKeys[i]!) ?? table.variationKeys[i]} ${n}`).join(", ")}
        {table.excluded > 0 ? ` · ${table.excluded} left out (coverage, condition or namespace)` : ""}
      </p>
      <div className="table-wrap">
        <table className="compact stack-sm" data-testid={testId} aria-labelledby={`${testId}-title`}>
          <thead>
            <tr>
              <th scope="col">Covariate</th>
              {table.variationKeys.map((k) => (
                <th scope="col" key={k} className="num">
                  {names.get(k) ?? k}: mean (SD)
                </th>
              ))}
              {table.variationKeys.slice(1).map((k) => (
                <th scope="col" key={`smd-${k}`} className="num">
                  SMD {names.get(k) ?? k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.covariate}>
                <th scope="row">{r.covariate}</th>
                {r.groups.map((g, i) => (
                  <td key={i} className="num" data-label={`${names.get(table.variationKeys[i]!) ?? table.variationKeys[i]}: mean (SD)`}>
                    {fmt(g.mean)} ({fmt(g.sd)})
                  </td>
                ))}
                {r.smd.map((d, i) => (
                  <td key={`s${i}`} className="num" data-label={`SMD ${names.get(table.variationKeys[i + 1]!) ?? table.variationKeys[i + 1]}`}>
                    {fmt(d)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * Balanced assignment for a small known cohort (issue 13): a CSV (or a query on the warehouse)
 * of subjects with numeric covariates; K seeds are tried and the split with the smallest largest
 * standardised mean difference is kept. The chosen seed can then be saved as the phase's seed.
 */
export function BalancePanel({ experimentId, variants, hashAttribute }: { experimentId: string; variants: { key: string; name: string }[]; hashAttribute: string }) {
  const router = useRouter();
  const names = new Map(variants.map((v) => [v.key, v.name]));
  const [source, setSource] = useState<"csv" | "sql">("csv");
  const [csv, setCsv] = useState("");
  const [sql, setSql] = useState("");
  const [idColumn, setIdColumn] = useState(hashAttribute);
  const [candidates, setCandidates] = useState("100");
  const [outcome, setOutcome] = useState<BalanceOutcome | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, start] = useTransition();

  const run = () =>
    start(async () => {
      setSaved(null);
      setOutcome(await balanceAction(experimentId, { source, csv, sql, idColumn, candidates: Number(candidates) }));
    });
  const apply = (seed: string) =>
    start(async () => {
      const r = await applyBalancedSeedAction(experimentId, seed);
      setSaved(r.message);
      if (r.ok) router.refresh();
    });

  return (
    <section className="panel" data-testid="balance-panel">
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor="balance-source">Subjects from</label>
          <select id="balance-source" value={source} onChange={(e) => setSource(e.target.value as "csv" | "sql")}>
            <option value="csv">a CSV file</option>
            <option value="sql">a query on the warehouse</option>
          </select>
        </div>
        <div className="form-field">
          <label htmlFor="balance-id">Id column</label>
          <input id="balance-id" value={idColumn} onChange={(e) => setIdColumn(e.target.value)} spellCheck={false} />
        </div>
        <div className="form-field">
          <label htmlFor="balance-k">Seeds to try</label>
          <input id="balance-k" value={candidates} inputMode="numeric" onChange={(e) => setCandidates(e.target.value)} />
        </div>
      </div>
      {source === "csv" ? (
        <div className="form-field">
          <label htmlFor="balance-csv">CSV: a header row, the id column and one numeric column per covariate (0/1 for yes/no)</label>
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="CSV file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) setCsv(await f.text());
            }}
          />
          <textarea id="balance-csv" className="code" rows={8} value={csv} onChange={(e) => setCsv(e.target.value)} spellCheck={false} />
        </div>
      ) : (
        <div className="form-field">
          <label htmlFor="balance-sql">One SELECT on the warehouse: the id column and numeric covariates</label>
          <textarea id="balance-sql" className="code" rows={6} value={sql} onChange={(e) => setSql(e.target.value)} spellCheck={false} placeholder="SELECT user_id AS id, … FROM users WHERE …" />
        </div>
      )}
      <div className="toolbar">
        <button type="button" className="primary" onClick={run} disabled={busy} aria-busy={busy}>
          {busy ? "Working…" : "Find a balanced split"}
        </button>
      </div>
      {outcome && !outcome.ok ? (
        <div className="banner error" role="alert" data-testid="balance-error">
          <strong>{outcome.message}</strong>
          {outcome.problems.length ? (
            <ul>
              {outcome.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {outcome && outcome.ok ? (
        <div data-testid="balance-result">
          <p>
            {outcome.subjects} subjects, {outcome.candidatesTried} seeds tried. The largest standardised mean difference goes from{" "}
            <strong>{fmt(outcome.before.maxAbsSmd)}</strong> (the experiment&apos;s own seed) to <strong>{fmt(outcome.after.maxAbsSmd)}</strong> (seed{" "}
            <code data-testid="chosen-seed">{outcome.seed}</code>).
          </p>
          <BalanceTableView table={outcome.before} names={names} title="Before" testId="balance-before" />
          <BalanceTableView table={outcome.after} names={names} title="After" testId="balance-after" />
          {outcome.seed === outcome.currentSeed ? (
            <p className="muted">The experiment already uses this seed.</p>
          ) : (
            <button type="button" className="primary" onClick={() => apply(outcome.seed)} disabled={busy}>
              Use seed {outcome.seed}
            </button>
          )}
        </div>
      ) : null}
      {saved ? (
        <p role="status" data-testid="balance-saved">
          {saved}
        </p>
      ) : null}
    </section>
  );
}
