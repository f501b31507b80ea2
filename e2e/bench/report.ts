// The benchmark's printed table: each figure, its aim, and a reference
// measured in the same run.

export interface Row {
  measure: string;
  result: string;
  aim: string;
  /** Whether the result meets the aim; null where there is no aim. */
  met: boolean | null;
  reference: string;
}

export const ms = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : `${Math.round(v)} ms`;
export const fps = (v: number) => `${v.toFixed(1)} fps`;

export function table(rows: readonly Row[]): string {
  const header: Row = {
    measure: 'Measure',
    result: 'Result',
    aim: 'Aim',
    met: null,
    reference: 'Reference (same run)',
  };
  const cells = (r: Row) => [
    r.measure,
    r.result,
    r.aim,
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
    r.reference,
  ];
  const all = [header, ...rows].map(cells);
  const widths = (all[0] as string[]).map((_, i) =>
    Math.max(...all.map((c) => (c[i] ?? '').length)),
  );
  const line = (c: string[]) =>
    `| ${c.map((text, i) => text.padEnd(widths[i] as number)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(all[0] as string[]), rule, ...all.slice(1).map(line)].join('\n');
}
