import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config';
import { PermanentJobError } from '../../jobs/jobType';

const cache = new Map<string, Promise<string>>();

/**
 * The secret that signs tracking tokens and download links. TRACKING_SECRET in production
 * (required: several instances must agree on it). Outside production, when it is unset, one is
 * generated once and kept in DATA_DIR/secrets/tracking-secret (mode 0600), so links in e-mails
 * sent by a development instance keep working after a restart.
 */
export function trackingSecret(config: Config): Promise<string> {
  if (config.TRACKING_SECRET) return Promise.resolve(config.TRACKING_SECRET);
  if (config.NODE_ENV === 'production') {
    return Promise.reject(
      new PermanentJobError('TRACKING_SECRET must be set in production to send or track campaigns', 'CONFIG'),
    );
  }
  const file = join(config.DATA_DIR, 'secrets', 'tracking-secret');
  let secret = cache.get(file);
  if (!secret) {
    secret = readOrCreate(file);
    cache.set(file, secret);
    secret.catch(() => cache.delete(file));
  }
  return secret;
}

async function readOrCreate(file: string): Promise<string> {
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 16) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const created = randomBytes(32).toString('base64url');
  await mkdir(join(file, '..'), { recursive: true });
  // "wx" fails when another process created it first; then its value wins.
  try {
    await writeFile(file, created, { mode: 0o600, flag: 'wx' });
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
