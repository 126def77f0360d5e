import type { BatchPolicy } from './deleteInBatches';
import type { RetentionKind } from './retentionKinds';

export interface SweepResult {
  deleted: number;
  /** The oldest item kept, when the sweep itself finds it (lake files, listed while swept). */
  oldestAt?: Date | null;
}

/** How one kind of data is swept: what is past its cutoff goes, in batches. */
export interface RetentionSweeper {
  kind: RetentionKind;
  /** The oldest kept item's time (null: none); undefined when only a sweep can tell (lake files). */
  oldest(): Promise<Date | null | undefined>;
  /** Deletes what is older than `cutoff`; with no cutoff (kept for good) deletes nothing. */
  sweep(cutoff: Date | null, policy: BatchPolicy): Promise<SweepResult>;
}

/** The earlier of two times, either possibly missing. */
export function earliest(a: Date | null | undefined, b: Date | null | undefined): Date | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
