import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config';

export type PrivacySecretConfig = Pick<Config, 'PRIVACY_HASH_SECRET' | 'NODE_ENV' | 'DATA_DIR'>;

/** Answers the key of the privacy hashes, or why there is none (production without the setting). */
export type PrivacySecret = () => Promise<string>;

/** Thrown when the privacy hashes are needed and production has no PRIVACY_HASH_SECRET. */
export class PrivacySecretMissing extends Error {
  constructor() {
    super('PRIVACY_HASH_SECRET must be set in production to erase people or check the suppression list');
    this.name = 'PrivacySecretMissing';
  }
}

const cache = new Map<string, Promise<string>>();

/**
 * The key of the suppression list, the erasure records and the pseudonyms of erased people:
 * PRIVACY_HASH_SECRET. Outside production, when it is unset, one is generated once and kept in
 * DATA_DIR/secrets/privacy-hash-secret (mode 0600), so hashes made before a restart still match.
 */
export function privacySecret(config: PrivacySecretConfig): PrivacySecret {
  return () => {
    if (config.PRIVACY_HASH_SECRET) return Promise.resolve(config.PRIVACY_HASH_SECRET);
    if (config.NODE_ENV === 'production') return Promise.reject(new PrivacySecretMissing());
    const file = join(config.DATA_DIR, 'secrets', 'privacy-hash-secret');
    let secret = cache.get(file);
    if (!secret) {
      secret = readOrCreate(file);
      cache.set(file, secret);
      secret.catch(() => cache.delete(file));
    }
    return secret;
  };
}

async function readOrCreate(file: string): Promise<string> {
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
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
