/** Reads a Prometheus text exposition (as GET /metrics answers it) into samples, for tests. */
import { eventually } from './api.js';

export interface Scrape {
  /** Metric family names declared with # TYPE. */
  names: Set<string>;
  /** `name{a="x",b="y"}` (labels sorted) -> value. */
  samples: Map<string, number>;
  /** The value of one sample (0 when absent: a counter not yet told). */
  value(name: string, labels?: Record<string, string>): number;
  /** The sum of every sample of `name` whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const sampleKey = (name: string, labels: Record<string, string>) => {
  const parts = Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
};

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

export function parseScrape(text: string): Scrape {
  const names = new Set<string>();
  const samples = new Map<string, number>();
  const labelled: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      names.add(line.split(' ')[2]);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = parseLabels(m[2] ?? '');
    const value = Number(m[3]);
    samples.set(sampleKey(m[1], labels), value);
    labelled.push({ name: m[1], labels, value });
  }
  return {
    names,
    samples,
    value: (name, labels = {}) => samples.get(sampleKey(name, labels)) ?? 0,
    sum: (name, labels = {}) => labelled
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((a, s) => a + s.value, 0),
  };
}

/** A service's GET /metrics, read. */
export async function scrapeMetrics(httpUrl: string): Promise<Scrape> {
  return parseScrape(await (await fetch(`${httpUrl}/metrics`)).text());
}

/** Resolves once every metric in `expected` has its value on the service (no labels). */
export function metricsReach(httpUrl: string, expected: Record<string, number>): Promise<Scrape> {
  return eventually(async () => {
    const s = await scrapeMetrics(httpUrl);
    return Object.entries(expected).every(([name, value]) => s.value(name) === value) ? s : null;
  });
}
