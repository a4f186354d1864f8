// Where in a request or answer a problem is, as a reader would write it.

/** `metrics[0].data.treatment.n` from ['metrics', 0, 'data', 'treatment', 'n']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const s = String(p);
      const plain = /^[A-Za-z_$][\w$-]*$/.test(s) ? s : JSON.stringify(s);
      return plain === s ? (i === 0 ? s : `.${s}`) : `[${plain}]`;
    })
    .join('');
}
