import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One writing process per data directory. Two processes writing one LMDB environment hard
 * enough abort in lmdb-js's freelist code (docs/store.md), so the process that writes holds
 * `DATA_DIR/writer.lock`: a file naming it, created atomically (a hard link of a complete file),
 * judged by whether the process it names is alive. A process killed with kill -9 leaves the file,
 * and the next writer takes it over; the kernel's process table is the lock's truth. Opens of
 * one process share its lock.
 */

export const WRITER_LOCK_FILE = 'writer.lock';

/** Who holds a data directory's writer lock. */
export interface WriterRecord {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  since: string;
  /** What holds it: `service`, `cli demo`, ... */
  holder: string;
  /** Linux: the holder's start in clock ticks after boot, so that a reused pid is not taken for it. */
  processStart?: string;
  /** Where the holder serves its GraphQL API, once it listens: CLI commands beside it go there. */
  url?: string;
}

/** Refused: another live process holds the data directory's writer lock. */
export class WriterLockHeldError extends Error {
  override readonly name = 'WriterLockHeldError';

  constructor(
    readonly dataDir: string,
    readonly record: WriterRecord,
  ) {
    const remote = record.host !== hostname();
    super(
      `${dataDir} is held by another writing process: pid ${record.pid} on ${record.host} since ${record.since} ` +
        `(${record.holder}). One process writes a data directory at a time: stop that one first, or open the store ` +
        `read-only.${remote ? ` If that process is gone, remove ${join(dataDir, WRITER_LOCK_FILE)}.` : ''}`,
    );
  }
}

/** The start of process `pid` in clock ticks after boot (Linux /proc), or undefined where unknown. */
function processStartOf(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const ownStart = processStartOf('self');

function isOwn(record: WriterRecord): boolean {
  return record.host === hostname() && record.pid === process.pid && (record.processStart ?? ownStart) === ownStart;
}

/** Whether the process a record names still runs: on another host it cannot be told, so it is taken to. */
function isAlive(record: WriterRecord): boolean {
  if (record.host !== hostname()) return true;
  if (record.pid === process.pid) return isOwn(record);
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = record.processStart && processStartOf(record.pid);
  return !start || start === record.processStart;
}

function parseRecord(text: string): WriterRecord | undefined {
  try {
    const record = JSON.parse(text) as WriterRecord;
    return Number.isInteger(record.pid) && typeof record.host === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The live process, other than this one, that holds the data directory's writer lock, if any. */
export function foreignWriter(dataDir: string): WriterRecord | undefined {
  const text = readText(join(dataDir, WRITER_LOCK_FILE));
  const record = text === undefined ? undefined : parseRecord(text);
  return record && !isOwn(record) && isAlive(record) ? record : undefined;
}

/** Refuses to go on while another live process holds the data directory's writer lock. */
export function refuseForeignWriter(dataDir: string): void {
  const record = foreignWriter(dataDir);
  if (record) throw new WriterLockHeldError(dataDir, record);
}

/** A writer lock this process holds; `release` once per `acquireWriterLock`. */
export interface WriterLock {
  readonly record: WriterRecord;
  /** Adds the holder's API address to the lock file. */
  announce(url: string): void;
  release(): void;
}

/** Locks of this process by data directory, with how many opens share each. */
const held = new Map<string, { record: WriterRecord; count: number }>();

const uniqueSuffix = () => `${process.pid}.${randomBytes(6).toString('hex')}`;

/**
 * Moves a dead holder's lock file aside, if it is still the one judged dead. Another process
 * may have replaced it meanwhile: its lock is then put back.
 */
function breakStaleLock(lockPath: string, staleText: string): void {
  const aside = `${lockPath}.stale.${uniqueSuffix()}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readText(aside) !== staleText) linkSync(aside, lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
}

function tryLink(file: string, lockPath: string): boolean {
  try {
    linkSync(file, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function takeLock(dataDir: string, lockPath: string, record: WriterRecord): void {
  const candidate = `${lockPath}.${uniqueSuffix()}`;
  writeFileSync(candidate, `${JSON.stringify(record)}\n`, { mode: 0o644 });
  try {
    // A few rounds: each one either takes the lock, finds a live holder, or clears a dead one.
    for (let round = 0; round < 5; round++) {
      if (tryLink(candidate, lockPath)) return;
      const text = readText(lockPath);
      if (text === undefined) continue;
      const holder = parseRecord(text);
      if (holder && !isOwn(holder) && isAlive(holder)) throw new WriterLockHeldError(dataDir, holder);
      breakStaleLock(lockPath, text);
    }
    throw new Error(`${dataDir}: could not take the writer lock ${lockPath}; other processes keep replacing it`);
  } finally {
    unlinkSync(candidate);
  }
}

/** Takes the data directory's writer lock for this process, or throws WriterLockHeldError. */
export function acquireWriterLock(dataDir: string, holder: string): WriterLock {
  mkdirSync(dataDir, { recursive: true });
  const key = realpathSync(dataDir);
  let entry = held.get(key);
  if (!entry) {
    const record: WriterRecord = { pid: process.pid, host: hostname(), since: new Date().toISOString(), holder };
    if (ownStart) record.processStart = ownStart;
    takeLock(dataDir, join(key, WRITER_LOCK_FILE), record);
    entry = { record, count: 0 };
    held.set(key, entry);
  }
  entry.count++;
  const shared = entry;
  let released = false;
  return {
    record: shared.record,
    announce(url) {
      shared.record.url = url;
      const lockPath = join(key, WRITER_LOCK_FILE);
      const next = `${lockPath}.${uniqueSuffix()}`;
      writeFileSync(next, `${JSON.stringify(shared.record)}\n`, { mode: 0o644 });
      // A rename replaces the file in one step: readers see the old record or the new one.
      renameSync(next, lockPath);
    },
    release() {
      if (released) return;
      released = true;
      shared.count--;
      if (shared.count > 0 || held.get(key) !== shared) return;
      held.delete(key);
      const lockPath = join(key, WRITER_LOCK_FILE);
      const text = readText(lockPath);
      const current = text === undefined ? undefined : parseRecord(text);
      // Another process may have taken over a lock this one lost: only its own file is removed.
      if (current && current.since === shared.record.since && isOwn(current)) unlinkSync(lockPath);
    },
  };
}
