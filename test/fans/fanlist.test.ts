import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAKE_BUFFER } from '../../src/services/fans/lake/writerModel';
import {
  entryOf,
  readObject,
  seedCampaign,
  seedEntries,
  startScoringServer,
  type ScoringServer,
} from './scoringSupport';

const UPLOAD = `mutation($file: Upload!, $campaignId: ID!) {
  uploadFanlistRanks(file: $file, campaignId: $campaignId) { id type status }
}`;

/** Fanlist ranks through the API and dropped on the objects port: formulas, rejects, manifest. */
describe('fanlist ranks', () => {
  let t: ScoringServer;

  beforeAll(async () => {
    t = await startScoringServer({ FANLIST_MAX_BYTES: '4096', FAN_LAKE_FLUSH_SECONDS: '3600' });
    const { app } = t.server;
    await seedCampaign(app, 'lin', { scoringType: 'LINEAR' });
    await seedCampaign(app, 'log', { scoringType: 'LOG' });
    const fans = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'].map((userId) => ({ userId, email: `${userId}@example.com` }));
    await seedEntries(app, 'lin', [...fans, { userId: 'sel', email: 'sel@example.com', verdict: true }]);
    await seedEntries(app, 'log', fans);
  });
  afterAll(() => t.stop());

  it('scores ranks by the LINEAR formula, rejects bad rows with their line numbers, and writes the manifest', async () => {
    const csv = [
      'userId,email,rank,note',
      'f1,,1,best',
      ',F2@Example.com,3,by e-mail',
      'f3,,3,"tied, same score"',
      'f4,,1.5,bad rank',
      'f5,,0,bad rank',
      'f6,,5,worst',
      'ghost,,2,not registered',
      ',,4,no fan',
      'f1,,4,duplicate',
      'sel,,2,selected already',
    ].join('\n');
    const response = await t.upload(UPLOAD, { campaignId: 'lin' }, csv, 'Ranks 2024.csv');
    expect(response.errors).toBeUndefined();
    const job = await t.waitForJob(response.data.uploadFanlistRanks.id);
    expect(job.status).toBe('SUCCEEDED');
    const { manifest, rejects, rejectedByReason, applied } = job.result;
    expect(rejects).toEqual([
      { line: 5, reason: 'INVALID_RANK', detail: 'rank: "1.5" is not a positive integer' },
      { line: 6, reason: 'INVALID_RANK', detail: 'rank: "0" is not a positive integer' },
      { line: 8, reason: 'NOT_REGISTERED', detail: 'ghost is not registered for the campaign' },
      { line: 9, reason: 'MISSING_FAN', detail: 'userId or email: required' },
      { line: 10, reason: 'DUPLICATE', detail: 'f1 has a better (or an earlier equal) rank on another row' },
      {
        line: 11,
        reason: 'ALREADY_SELECTED',
        detail: 'sel is selected already (verdict true): the score is not applied',
      },
    ]);
    expect(rejectedByReason).toEqual({
      INVALID_RANK: 2,
      NOT_REGISTERED: 1,
      MISSING_FAN: 1,
      DUPLICATE: 1,
      ALREADY_SELECTED: 1,
    });
    expect(applied).toEqual({ records: 4, applied: 4 });
    expect(manifest).toMatchObject({
      campaignId: 'lin',
      file: 'Ranks 2024.csv',
      key: 'fanlist/uploaded/lin/Ranks 2024.csv',
      scoredKey: 'fanlist/scored/lin/Ranks 2024.csv',
      scoringType: 'LINEAR',
      formula: 'score = 1 - (rank - 1) / (maxRank - 1); 1 when maxRank = 1',
      rows: 10,
      scored: 4,
      rejected: 6,
      minRank: 1,
      maxRank: 5,
      sha256: createHash('sha256').update(csv).digest('hex'),
      jobId: job.id,
    });
    const { app } = t.server;
    expect(JSON.parse((await readObject(app, 'fanlist/uploaded/lin/manifest.json'))!)).toEqual(manifest);

    expect((await entryOf(app, 'lin', 'f1'))!.score).toBe(1);
    expect((await entryOf(app, 'lin', 'f2'))!.score).toBe(0.5);
    expect((await entryOf(app, 'lin', 'f3'))!.score).toBe(0.5);
    expect((await entryOf(app, 'lin', 'f6'))!.score).toBe(0);
    expect(await entryOf(app, 'lin', 'f4')).toMatchObject({ score: null, verdict: null });
    expect(await entryOf(app, 'lin', 'sel')).toMatchObject({ score: null, verdict: true });

    const scored = (await readObject(app, 'fanlist/scored/lin/Ranks 2024.csv'))!.split('\n');
    expect(scored[0]).toBe('userId,email,rank,note,score,reason');
    expect(scored[1]).toBe('f1,,1,best,1,');
    expect(scored[3]).toBe('f3,,3,"tied, same score",0.5,');
    expect(scored[4]).toBe('f4,,1.5,bad rank,,INVALID_RANK');

    const chunks = await app.db.collection(LAKE_BUFFER).find({ recordType: 'scoring' }).toArray();
    expect(chunks.reduce((sum, chunk) => sum + (chunk.count as number), 0)).toBe(4);
  });

  it('takes a file dropped at fanlist/uploaded/{campaignId}/ once, with the campaign from the key and its LOG formula', async () => {
    const { app } = t.server;
    await app.ports.objects.put('fanlist/uploaded/log/drop.csv', 'userId,rank\nf1,1\nf2,10\nf3,100\n');
    await app.ports.objects.put('fanlist/uploaded/log/notes.txt', 'not a fanlist');
    await t.services.scoring.poll.poll();
    await t.services.scoring.poll.poll();
    const jobs = await app.db
      .collection('jobs')
      .find({ type: 'fanlist-ranks', 'params.key': { $regex: '^fanlist/uploaded/log/' } })
      .toArray();
    expect(jobs.map((job) => job.params.key)).toEqual(['fanlist/uploaded/log/drop.csv']);
    const job = await t.waitForJob(String(jobs[0]!._id));
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result.manifest).toMatchObject({ scoringType: 'LOG', minRank: 1, maxRank: 100, scored: 3 });
    expect((await entryOf(app, 'log', 'f1'))!.score).toBe(1);
    expect((await entryOf(app, 'log', 'f2'))!.score).toBeCloseTo(0.5, 12);
    expect((await entryOf(app, 'log', 'f3'))!.score).toBe(0);
  });

  it('fails the job of a file dropped for an unknown campaign, and refuses an upload for one', async () => {
    const { app } = t.server;
    await app.ports.objects.put('fanlist/uploaded/ghost/ranks.csv', 'userId,rank\nf1,1\n');
    await t.services.scoring.poll.poll();
    const [stored] = await app.db
      .collection('jobs')
      .find({ 'params.key': 'fanlist/uploaded/ghost/ranks.csv' })
      .toArray();
    const job = await t.waitForJob(String(stored!._id));
    expect(job).toMatchObject({ status: 'FAILED', error: { code: 'NOT_FOUND' } });

    const upload = await t.upload(UPLOAD, { campaignId: 'ghost' }, 'userId,rank\nf1,1\n', 'ranks.csv');
    expect(upload.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('refuses a file without a rank column, not a .csv, or over its limit, keeping nothing', async () => {
    const { app } = t.server;
    const before = (await app.ports.objects.list('fanlist/uploaded/lin/')).length;
    const noRank = await t.upload(UPLOAD, { campaignId: 'lin' }, 'userId,position\nf1,1\n', 'a.csv');
    expect(noRank.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(noRank.errors[0].message).toContain('rank column');
    const notCsv = await t.upload(UPLOAD, { campaignId: 'lin' }, 'userId,rank\nf1,1\n', 'a.xlsx');
    expect(notCsv.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const big = await t.upload(UPLOAD, { campaignId: 'lin' }, `userId,rank\n${'f1,1\n'.repeat(1000)}`, 'big.csv');
    expect(big.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(big.errors[0].message).toContain('FANLIST_MAX_BYTES');
    expect(await app.ports.objects.list('fanlist/uploaded/lin/')).toHaveLength(before);
  });

  it('uploads a fanlist from the command line (scoring fanlist --wait), run by the service', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanlist-cli-'));
    try {
      const path = join(dir, 'cli-ranks.csv');
      await writeFile(path, 'userId,rank\nf4,1\nf5,2\n');
      const admin = await t.server.createApiKey('admin', 'cli');
      const response = await fetch(new URL('/admin/commands/scoring', t.server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ flags: { campaign: 'lin', file: path, wait: true }, positional: ['fanlist'] }),
      });
      const answer = (await response.json()) as { exitCode: number; output: string };
      expect(answer.exitCode).toBe(0);
      expect(JSON.parse(answer.output)).toMatchObject({ status: 'SUCCEEDED', result: { manifest: { scored: 2 } } });
      expect((await entryOf(t.server.app, 'lin', 'f5'))!.score).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
