import type { Environment, Goal, Params, Row, RunReport } from './types';

/** Readable numbers: thousands separators from 1000 up, whole numbers from 100, else 3 significant digits. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 100)
    return Math.round(x)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return String(Number(x.toPrecision(3)));
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`;
}

export function formatParams(params: Params): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? formatNumber(value) : String(value)}`)
    .join(', ');
}

function formatGoal(goal: Goal | undefined, met: boolean | undefined): string {
  if (!goal) return '';
  const op = goal.op === '>=' ? '≥' : '≤';
  const bound = goal.of === 'ratio' ? `ratio ${op} ${formatRatio(goal.value)}` : `${op} ${formatNumber(goal.value)}`;
  return `${bound} ${met ? '✓' : '✗'}`;
}

function spread(min: number, max: number): string {
  return min === max ? '' : ` [${formatNumber(min)}–${formatNumber(max)}]`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A table cell: no pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function formatEnvironment(env: Environment): string {
  const commit = `commit ${env.gitCommit.slice(0, 12)}${env.gitDirty ? ' (with uncommitted changes)' : ''}`;
  const load = env.loadAverage.map((x) => x.toFixed(2)).join('/');
  return `node ${env.node} (V8 ${env.v8}), ${env.os}, ${env.cpuModel} × ${env.cores} cores, ${env.memoryGiB} GiB, load ${load}, ${commit}`;
}

const HEADER = [
  'Suite',
  'Case',
  'Metric',
  'Unit',
  'Value',
  'Reference',
  'Reference value',
  'Ratio',
  'Better',
  'Params',
  'Goal',
] as const;

export function renderRow(row: Row): string {
  const cells = [
    row.suite,
    row.case,
    row.metric,
    row.unit,
    `${formatNumber(row.value)}${spread(row.min, row.max)}`,
    row.reference.name,
    `${formatNumber(row.reference.value)}${spread(row.reference.min, row.reference.max)}`,
    formatRatio(row.ratio),
    row.better === 'higher' ? '↑ higher' : '↓ lower',
    formatParams(row.params),
    formatGoal(row.goal, row.goalMet),
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** The results table alone (used in docs/benchmarks.md as well). */
export function renderTable(rows: readonly Row[]): string {
  return [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`, ...rows.map(renderRow)].join('\n');
}

/** The whole run as Markdown: how it was measured, where, the table, and what each reference is. */
export function renderMarkdown(report: RunReport): string {
  const { settings } = report;
  const mode = settings.quick ? 'quick' : 'full';
  const lines = [
    `# Benchmarks: ${report.suites.map((s) => s.name).join(', ')}`,
    '',
    `- Run: ${report.startedAt} to ${report.finishedAt}, ${mode} (${plural(settings.warmUps, 'warm-up')}, ` +
      `${plural(settings.repeats, 'repeat')}; value = median of the repeats, [min–max] beside it).`,
    `- Environment: ${formatEnvironment(report.environment)}.`,
    '- Ratio = value / reference, both measured in this run. ↑ higher is better: a ratio above 1 beats the ' +
      'reference. ↓ lower is better: a ratio below 1 beats it.',
    '',
  ];
  const rows = report.suites.flatMap((s) => s.rows);
  if (rows.length > 0) lines.push(renderTable(rows), '');
  for (const suite of report.suites) {
    lines.push(`## ${suite.name}`, '', suite.description, '');
    if (suite.error) lines.push(`**FAILED:** ${suite.error}`, '');
    for (const ref of suite.references) lines.push(`- Reference \`${ref.name}\`: ${ref.description}`);
    if (suite.references.length > 0) lines.push('');
  }
  return lines.join('\n');
}
