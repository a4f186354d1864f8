import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createJiti } from "jiti";
import { config } from "../config";
import { buildCatalog, problemText, type LoadedFile, type MetricCatalog } from "./catalog";

/**
 * Metric files are read from the metrics folder (METRICS_DIR, default ./metrics) while the app runs,
 * not bundled into it: every TypeScript file there (sub-folders included; names starting with "_" or
 * "." are helpers and skipped) is transpiled and evaluated by jiti. A new or edited file is picked
 * up by the next request after a cheap check of the folder's names, sizes and modification times
 * (at most once a second), so `npm run dev`, `npm run demo` and `npm start` all see it within
 * seconds, without a restart or a rebuild. Discovery by folder rather than a hand-kept list: adding
 * a metric is adding a file, and there is nothing to forget.
 */

const CHECK_EVERY_MS = 1000;
const EXTENSIONS = /\.(ts|mts|js|mjs)$/;
const SKIPPED = /(^[_.])|\.d\.ts$|\.test\.[a-z]+$|\.spec\.[a-z]+$/;

interface LoaderState {
  dir: string;
  fingerprint: string;
  catalog: MetricCatalog | null;
  checkedAt: number;
  loading: Promise<MetricCatalog> | null;
}

// on globalThis: Next may evaluate this module once per server bundle, and they should share one catalog
const STATE_KEY = Symbol.for("experiment-results.metric-catalog");
const globalState = globalThis as unknown as Record<symbol, LoaderState | undefined>;

export function metricsDir(): string {
  return config().metricsDir;
}

function listFiles(dir: string, rel = ""): string[] {
  let entries;
  try {
    entries = readdirSync(/* turbopackIgnore: true */ path.join(dir, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (SKIPPED.test(e.name) || e.name === "node_modules") continue;
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, child));
    else if (EXTENSIONS.test(e.name)) out.push(child);
  }
  return out.sort();
}

function fingerprintOf(dir: string, files: string[]): string {
  return files
    .map((f) => {
      try {
        const s = statSync(/* turbopackIgnore: true */ path.join(dir, f));
        return `${f}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${f}:gone`;
      }
    })
    .join("|");
}

function looksLikeDefinition(v: unknown): boolean {
  return typeof v === "object" && v !== null && ["source", "events", "ratio", "sql"].includes(String((v as { kind?: unknown }).kind));
}

/** Messages name files as "metrics/x.ts", never by absolute path. */
function displayName(dir: string, file: string): string {
  const rel = path.relative(process.cwd(), path.join(dir, file));
  return rel.startsWith("..") ? `${path.basename(dir)}/${file}` : rel;
}

async function loadFiles(dir: string, files: string[]): Promise<LoadedFile[]> {
  const jiti = createJiti(path.join(process.cwd(), "package.json"), {
    // a fresh evaluation on every load, so an edited file is really re-read
    moduleCache: false,
    interopDefault: false,
    alias: { "@": process.cwd() },
  });
  const out: LoadedFile[] = [];
  for (const file of files) {
    const shown = displayName(dir, file);
    try {
      const mod = (await jiti.import(path.join(dir, file))) as Record<string, unknown>;
      const values: unknown[] = [];
      for (const [name, value] of Object.entries(mod ?? {})) {
        if (name === "default") values.push(...(Array.isArray(value) ? value : [value]));
        else if (looksLikeDefinition(value)) values.push(value);
      }
      out.push({ file: shown, exports: values });
    } catch (err) {
      // the first line says what is wrong; absolute paths are shortened to the folder's name
      const message = ((err as Error)?.message ?? String(err)).split("\n")[0]!.split(dir).join(displayName(dir, "")).split(process.cwd() + path.sep).join("");
      out.push({ file: shown, exports: { error: message } });
    }
  }
  return out;
}

async function reload(state: LoaderState, files: string[], fingerprint: string): Promise<MetricCatalog> {
  const loaded = await loadFiles(state.dir, files);
  // a mistyped METRICS_DIR should say so rather than leave the app without metrics in silence
  if (!existsSync(/* turbopackIgnore: true */ state.dir)) loaded.push({ file: displayName(state.dir, ""), exports: { error: "the metrics folder does not exist (METRICS_DIR)" } });
  const catalog = buildCatalog(loaded);
  const first = state.catalog === null;
  state.catalog = catalog;
  state.fingerprint = fingerprint;
  if (!first || catalog.problems.length) {
    const summary = `metrics: ${catalog.metrics.size} metrics and ${catalog.sources.size} sources loaded from ${displayName(state.dir, "")}`;
    console.warn([summary, ...catalog.problems.map((p) => `  refused ${problemText(p)}`)].join("\n"));
  }
  return catalog;
}

/**
 * The metrics and sources in force now, reloaded when the folder changed since the last look.
 * Never throws for a bad file: its problem is in `catalog.problems`.
 */
export async function loadCatalog(dir = metricsDir()): Promise<MetricCatalog> {
  let state = globalState[STATE_KEY];
  if (!state || state.dir !== dir) {
    state = { dir, fingerprint: "", catalog: null, checkedAt: 0, loading: null };
    globalState[STATE_KEY] = state;
  }
  if (state.loading) return state.loading;
  const now = Date.now();
  if (state.catalog && now - state.checkedAt < CHECK_EVERY_MS) return state.catalog;
  state.checkedAt = now;
  const files = listFiles(dir);
  const fingerprint = fingerprintOf(dir, files);
  if (state.catalog && fingerprint === state.fingerprint) return state.catalog;
  const s = state;
  s.loading = reload(s, files, fingerprint).finally(() => {
    s.loading = null;
  });
  return s.loading;
}

/** Forgets the loaded catalog (tests that point METRICS_DIR elsewhere). */
export function resetCatalog(): void {
  globalState[STATE_KEY] = undefined;
}
