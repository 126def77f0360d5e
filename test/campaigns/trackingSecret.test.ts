import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { trackingSecret } from '../../src/services/campaigns/trackingSecret';

describe('tracking secret', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'secret-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is TRACKING_SECRET when set', async () => {
    expect(await trackingSecret(loadConfig({ DATA_DIR: dir, TRACKING_SECRET: 'configured-secret-0123456789' }))).toBe(
      'configured-secret-0123456789',
    );
  });

  it('outside production, is generated once into the data dir (0600) and kept', async () => {
    const first = await trackingSecret(loadConfig({ DATA_DIR: dir, NODE_ENV: 'development' }));
    const file = join(dir, 'secrets', 'tracking-secret');
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(await trackingSecret(loadConfig({ DATA_DIR: dir, NODE_ENV: 'development' }))).toBe(first);
  });

  it('is required in production', async () => {
    await expect(trackingSecret(loadConfig({ DATA_DIR: dir, NODE_ENV: 'production' }))).rejects.toThrow(
      /TRACKING_SECRET must be set/,
    );
  });
});
