/** Turns the results into the printed table, the JSON files and the table in docs/benchmarks.md. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Stat } from './util.js';

export interface Row {
  section: string;
  measure: string;
  unit: string;
  /** A Stat (median, min–max) or a single value. */
  value: Stat | number | string;
  target?: string;
  /** true / false when a target applies; undefined otherwise. */
  holds?: boolean;
}

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return String(Math.round(x));
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
};

function cells(r: Row): [string, string] {
  if (typeof r.value === 'string') return [r.value, ''];
  if (typeof r.value === 'number') return [fmt(r.value), ''];
  const s = r.value;
  if (s.runs.length <= 1) return [fmt(s.median), ''];
  return [fmt(s.median), `${fmt(s.min)}–${fmt(s.max)}`];
}

const status = (r: Row) => (r.holds === undefined ? '' : r.holds ? 'yes' : 'NO');

/** A plain-text table for the terminal. */
export function textTable(rows: Row[]): string {
  const head = ['section', 'measure', 'median', 'min–max', 'unit', 'target', 'holds'];
  const body = rows.map((r) => { const [m, mm] = cells(r); return [r.section, r.measure, m, mm, r.unit, r.target ?? '', status(r)]; });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The same table in Markdown. */
export function markdownTable(rows: Row[]): string {
  const out = ['| section | measure | median | min–max | unit | target | holds |', '| --- | --- | ---: | ---: | --- | --- | --- |'];
  for (const r of rows) {
    const [m, mm] = cells(r);
    out.push(`| ${r.section} | ${r.measure} | ${m} | ${mm} | ${r.unit} | ${r.target ?? ''} | ${status(r)} |`);
  }
  return out.join('\n');
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

const BEGIN = '<!-- bench:begin (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

/** Replaces the generated block of docs/benchmarks.md (the hand-written text around it stays). */
export function updateDoc(file: string, generated: string): void {
  const block = `${BEGIN}\n${generated.trim()}\n${END}`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  doc = a !== -1 && b > a ? doc.slice(0, a) + block + doc.slice(b + END.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, doc);
}
