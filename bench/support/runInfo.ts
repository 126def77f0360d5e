import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { STORE_DURABILITY } from '../../src/datasources/store/embedded/engine';

/**
 * What a benchmark's figures depend on besides the code's speed: the code itself, how busy the
 * machine was when the run started, its cores, and the store's durability settings (a figure
 * bought by turning syncing off does not count). Every benchmark's last line carries it.
 */
export interface RunInfo {
  /** `git rev-parse --short HEAD`, `-dirty` when the tree has changes; null outside a git tree. */
  gitSha: string | null;
  /** One-minute load average when the run started, 2 decimals. */
  loadAvg: number;
  cpuCount: number;
  storeFlags: typeof STORE_DURABILITY;
}

export type Figures = Record<string, number | string | boolean | null>;

/** At and above this load average at the start, wall rates say more about the machine than the code. */
const BUSY_LOAD = 1.5;

let started: RunInfo | undefined;

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

function gitSha(): string | null {
  try {
    const sha = git(['rev-parse', '--short', 'HEAD']);
    // --no-optional-locks: status may otherwise refresh the index, a write a benchmark has no business doing.
    const dirty = git(['--no-optional-locks', 'status', '--porcelain']) !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return null;
  }
}

/**
 * Call first thing in a benchmark: takes the load average before the benchmark adds its own, and
 * warns (on stderr, the figures still count) when the machine is already busy.
 */
export function startRun(): RunInfo {
  if (started) return started;
  started = {
    gitSha: gitSha(),
    loadAvg: Math.round(loadavg()[0]! * 100) / 100,
    cpuCount: availableParallelism(),
    storeFlags: STORE_DURABILITY,
  };
  if (started.loadAvg >= BUSY_LOAD) {
    console.warn(
      `warning: load average ${started.loadAvg} at start (>= ${BUSY_LOAD} on ${started.cpuCount} CPUs): ` +
        'other work shares the machine, wall rates will be lower than on a quiet one',
    );
  }
  return started;
}

/** The benchmark's last line: its figures and the run info, one JSON object. */
export function printResult(figures: Figures): void {
  console.log(JSON.stringify({ ...figures, ...startRun() }));
}
