import type { ComponentName, InfraEndpoints } from '@gantry/infra';

/** Which way a metric improves; the ratio is always value / reference, this says how to read it. */
export type Better = 'higher' | 'lower';

/** Parameters of a case (concurrency, sizes, disk...), copied into every row. */
export type Params = Readonly<Record<string, string | number | boolean>>;

/** A target the project has set for a metric, checked against the median (or, with `of: 'ratio'`, the ratio). */
export interface Goal {
  readonly op: '>=' | '<=';
  readonly value: number;
  /** What the goal bounds: the median (default), or value / reference (e.g. "at least the peer's throughput"). */
  readonly of?: 'value' | 'ratio';
}

export interface MetricSpec {
  /** Key in the samples returned by `measure`, e.g. `appendsPerSec`. */
  readonly name: string;
  readonly unit: string;
  readonly better: Better;
  readonly goal?: Goal;
}

/** One measurement: a value for every metric of the case. */
export type Sample = Readonly<Record<string, number>>;

/** Passed to every measurement; a warm-up may use a smaller size, its sample is thrown away. */
export interface SampleContext {
  readonly warmUp: boolean;
}

export interface Reference {
  /** Short name shown in the table. */
  readonly name: string;
  /** What exactly it does, stated honestly (what it skips that Gantry does, or the other way round). */
  readonly description: string;
  readonly measure: (ctx: SampleContext) => Promise<Sample>;
}

/** A measured thing and its reference; the harness alternates them, run after run. */
export interface BenchCase {
  readonly name: string;
  readonly params: Params;
  readonly metrics: readonly MetricSpec[];
  readonly measure: (ctx: SampleContext) => Promise<Sample>;
  readonly reference: Reference;
}

/** What a suite gets from the harness. */
export interface SuiteContext {
  readonly quick: boolean;
  /** Where the infrastructure the suite `needs` answers (GANTRY_* overrides honoured). */
  readonly endpoints: InfraEndpoints;
  /** A fresh empty directory on the repository's disk (not tmpfs), removed at the end of the run. */
  readonly scratchDir: (prefix: string) => Promise<string>;
  readonly log: (msg: string) => void;
}

export interface PreparedSuite {
  readonly cases: readonly BenchCase[];
  /** Releases what `prepare` opened (connections...); called even when a case fails. */
  readonly close?: () => Promise<void>;
}

/** One entry of the suite table (bench/suites/index.ts). */
export interface Suite {
  readonly name: string;
  readonly description: string;
  /** Infrastructure to make ready (through @gantry/infra) before the suite runs. */
  readonly needs: readonly ComponentName[];
  readonly prepare: (ctx: SuiteContext) => Promise<PreparedSuite>;
}

export interface Summary {
  /** The median of the samples. */
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadAverage: readonly number[];
  readonly gitCommit: string;
  readonly gitDirty: boolean;
}

/** One line of the results: a metric of a case, beside the same metric of its reference. */
export interface Row extends Summary {
  readonly suite: string;
  readonly case: string;
  readonly metric: string;
  readonly unit: string;
  readonly better: Better;
  readonly reference: Summary & { readonly name: string };
  /** value / reference.value; null when the reference is 0. */
  readonly ratio: number | null;
  readonly params: Params;
  readonly goal?: Goal;
  readonly goalMet?: boolean;
  readonly environment: Environment;
}

export interface SuiteResult {
  readonly name: string;
  readonly description: string;
  readonly references: readonly { readonly name: string; readonly description: string }[];
  readonly rows: readonly Row[];
  /** Set when the suite failed; rows measured before the failure are kept. */
  readonly error?: string;
}

export interface RunSettings {
  readonly quick: boolean;
  readonly warmUps: number;
  readonly repeats: number;
}

/** A whole run, as written to `latest.json` (and, one suite at a time, to `<suite>-<timestamp>.json`). */
export interface RunReport {
  readonly schemaVersion: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly settings: RunSettings;
  readonly environment: Environment;
  readonly suites: readonly SuiteResult[];
}
