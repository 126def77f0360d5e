import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/**
 * Where unreadable logs are moved, inside the logs folder (so the move is a rename on one
 * device); their `.quarantined` suffix keeps them out of the `*.gz` glob the view reads.
 */
export const QUARANTINE_FOLDER = 'quarantine';

/** Every *.gz file under `dir`, at any depth, as absolute paths; a missing dir holds none. */
export async function logFilesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.gz'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Why a gzip file does not decompress whole (no gzip header, damaged data, cut short, wrong
 * checksum), or null when it does. DuckDB fails the whole query on the first two and reads a
 * file cut short as far as it goes, silently; either way the file is not what was logged.
 */
export async function gzipProblem(file: string, signal?: AbortSignal): Promise<string | null> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline(createReadStream(file), createGunzip(), discard, { signal });
    return null;
  } catch (error) {
    if (signal?.aborted) throw error;
    // Moved away or deleted since it was listed: nothing left to read, so nothing to fail on.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return (error as Error).message;
  }
}

/** Moves `file` under the quarantine folder, keeping its path; returns where, relative to `dir`. */
export async function moveAside(dir: string, file: string, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const target = path.join(dir, QUARANTINE_FOLDER, `${path.relative(dir, file)}.${stamp}.quarantined`);
  await mkdir(path.dirname(target), { recursive: true });
  await rename(file, target);
  return path.relative(dir, target);
}
