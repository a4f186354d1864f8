// Safety net: no NaN or ±Infinity ever leaves the engine. Root causes are handled upstream;
// anything that slips through becomes null with a warning naming where it was.

import { formatPath } from './path';

type Node = Record<string, unknown> | unknown[];

// In place, depth-first, allocation-free; the path is only formatted when something is found.
function walk(node: Node, path: (string | number)[], warnings: string[]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) visit(node, i, path, warnings);
  } else {
    for (const key in node) visit(node, key, path, warnings);
  }
}

function visit(node: Node, key: string | number, path: (string | number)[], warnings: string[]): void {
  const value = (node as Record<string | number, unknown>)[key];
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    (node as Record<string | number, unknown>)[key] = null;
    warnings.push(`${formatPath([...path, key])}: non-finite value (${String(value)}) replaced by null`);
  } else if (value !== null && typeof value === 'object') {
    path.push(key);
    walk(value as Node, path, warnings);
    path.pop();
  }
}

/**
 * Replaces every non-finite number in a freshly built JSON-like value with null (mutating it)
 * and returns the warnings that produced.
 */
export function sanitizeInPlace(value: Node): string[] {
  const warnings: string[] = [];
  walk(value, [], warnings);
  return warnings;
}
