/**
 * Medians, spreads and ratios (each to undici.request within the same repetition), as
 * Markdown tables.
 * @module
 */
import { baseline, type ClientName } from './clients.js';
import { type ScenarioId, type ScenarioSpec, scenarioIds } from './scenarios.js';
import type { WorkerResult } from './worker.js';

/** One worker's result, tagged with its repetition. */
export interface Sample extends WorkerResult {
  readonly rep: number;
}

/** ferry's targets: its ratio to undici.request per scenario. */
export const targets: Readonly<Record<ScenarioId, number>> = { A: 0.8, B: 0.85, 'C-stream': 0.95, 'C-buffer': 0.9, D: 0.8 };
/** C streamed: ferry's peak RSS may exceed undici.request's by at most this many MiB. */
export const rssAllowanceMB = 20;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Summary of one client in one scenario. */
export interface Row {
  readonly client: ClientName;
  readonly rate: number;
  readonly min: number;
  readonly max: number;
  /** Ratios to the baseline, one per repetition where both ran. */
  readonly ratios: readonly number[];
  readonly peakRssMB: number;
  /** Peak RSS minus the baseline's, one per repetition. */
  readonly rssDeltas: readonly number[];
  /** Baseline CPU time ÷ this client's for the same work, one per repetition. */
  readonly cpuRatios: readonly number[];
  /** Median CPU time per operation, in µs. */
  readonly cpuPerOpUs: number;
}

/** Summarises the samples of one scenario. */
export function summarise(samples: readonly Sample[], scenario: ScenarioId, clients: readonly ClientName[]): Row[] {
  const mine = samples.filter((s) => s.scenario === scenario);
  const base = new Map(mine.filter((s) => s.client === baseline).map((s) => [s.rep, s]));
  const rows: Row[] = [];
  for (const client of clients) {
    const list = mine.filter((s) => s.client === client);
    if (list.length === 0) continue;
    const rates = list.map((s) => s.rate);
    const ratios: number[] = [];
    const rssDeltas: number[] = [];
    const cpuRatios: number[] = [];
    for (const s of list) {
      const b = base.get(s.rep);
      if (!b) continue;
      ratios.push(s.rate / b.rate);
      rssDeltas.push(s.peakRssMB - b.peakRssMB);
      if (s.cpuMs > 0) cpuRatios.push(b.cpuMs / s.cpuMs);
    }
    rows.push({
      client,
      rate: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      ratios,
      peakRssMB: median(list.map((s) => s.peakRssMB)),
      rssDeltas,
      cpuRatios,
      cpuPerOpUs: median(list.map((s) => (s.cpuMs * 1000) / s.count)),
    });
  }
  return rows;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function ratioCell(ratios: readonly number[]): string {
  if (ratios.length === 0) return '–';
  const m = median(ratios);
  if (ratios.length === 1) return fmt(m, 2);
  return `**${fmt(m, 2)}** (${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})`;
}

/** Header facts for a report. */
export interface ReportMeta {
  readonly node: string;
  readonly date: string;
  readonly server: string;
  readonly connections: number;
  readonly reps: number;
  readonly smoke: boolean;
  readonly command: string;
  readonly machine: string;
}

/** The Markdown report of one Node version's run. */
export function renderReport(
  meta: ReportMeta,
  samples: readonly Sample[],
  specs: Record<ScenarioId, ScenarioSpec>,
  clients: readonly ClientName[],
): string {
  const out: string[] = [];
  out.push(`# ferry benchmark — Node ${meta.node}${meta.smoke ? ' (smoke: tiny counts, numbers mean nothing)' : ''}`, '');
  out.push(`- date: ${meta.date}`);
  out.push(`- command: \`${meta.command}\``);
  out.push(`- server: ${meta.server}; ${meta.connections} connections per origin for every client`);
  const processes = meta.smoke
    ? 'each client in a fresh process, its scenarios one after another'
    : 'each client × scenario in a fresh process';
  out.push(`- ${meta.reps} repetition(s); ${processes}; client order alternates between repetitions`);
  out.push(`- machine: ${meta.machine}`);
  out.push('- ratio: client ÷ undici.request throughput within the same repetition; **median** (min–max over repetitions)');
  out.push(
    '- CPU ratio: undici.request CPU time ÷ client CPU time for the same work (user + system, whole process): less sensitive to a busy machine than wall-clock throughput',
  );
  out.push('');
  out.push('## ferry against its targets', '');
  out.push('| scenario | target | ferry ratio | met | ferry CPU ratio |');
  out.push('|---|---|---|---|---|');
  for (const id of scenarioIds) {
    const row = summarise(samples, id, ['ferry']).at(0);
    if (!row || row.ratios.length === 0) continue;
    const m = median(row.ratios);
    let met = m >= targets[id];
    let extra = '';
    if (id === 'C-stream') {
      const d = median(row.rssDeltas);
      met &&= d <= rssAllowanceMB;
      extra = `; peak RSS ${d >= 0 ? '+' : ''}${fmt(d, 1)} MiB vs undici.request (allowed +${rssAllowanceMB})`;
    }
    out.push(
      `| ${specs[id].title} | ≥ ${fmt(targets[id], 2)} | ${ratioCell(row.ratios)}${extra} | ${met ? 'yes' : 'NO'} | ${ratioCell(row.cpuRatios)} |`,
    );
  }
  out.push('');
  for (const id of scenarioIds) {
    const spec = specs[id];
    const rows = summarise(samples, id, clients);
    if (rows.length === 0) continue;
    out.push(`## ${spec.title} (${fmt(spec.count)} × after ${fmt(spec.warmup)} warm-up)`, '');
    const per = spec.unit === 'MB/s' ? 'download' : 'request';
    out.push(`| client | median ${spec.unit} | spread (min–max) | ratio to undici.request | peak RSS MiB | CPU µs/${per} | CPU ratio |`);
    out.push('|---|--:|--:|--:|--:|--:|--:|');
    for (const r of rows) {
      out.push(
        `| ${r.client} | ${fmt(r.rate)} | ${fmt(r.min)}–${fmt(r.max)} | ${ratioCell(r.ratios)} | ${fmt(r.peakRssMB, 1)} | ${fmt(r.cpuPerOpUs, 1)} | ${ratioCell(r.cpuRatios)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
