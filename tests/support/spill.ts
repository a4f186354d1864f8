import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Bytes under a folder (files that vanish while walking count as 0). */
export function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  let items;
  try {
    items = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const item of items) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) total += folderBytes(full);
    else {
      try {
        total += statSync(full).size;
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}

/** Watches DuckDB's spill folder of `file` (`<file>.tmp`) and reports the most it held. */
export function watchSpill(file: string, everyMs = 20): { stop: () => number } {
  let most = 0;
  const timer = setInterval(() => {
    most = Math.max(most, folderBytes(`${file}.tmp`));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return most;
    },
  };
}

/**
 * Compares two JSON values: same shape, same strings and integers, and other numbers equal to
 * `relative` precision (DuckDB adds doubles in parallel, so the last bits may differ run to run).
 * Returns the path of the first difference, or null.
 */
export function numericDifference(a: unknown, b: unknown, relative = 1e-9, at = "$"): string | null {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b ? null : `${at}: ${a} ≠ ${b}`;
    return Math.abs(a - b) <= relative * Math.max(1, Math.abs(a), Math.abs(b)) ? null : `${at}: ${a} ≠ ${b}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: length ${a.length} ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = numericDifference(a[i], b[i], relative, `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${at}: keys ${ka.join()} ≠ ${kb.join()}`;
    for (const k of ka) {
      const d = numericDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], relative, `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}
