import { NOTIFICATIONS_COLLECTION } from '../../src/datasources/notifier/port';
import { LAKE_BUFFER } from '../../src/services/fans/lake/writerModel';
import {
  entryOf,
  readObject,
  scoredFile,
  seedCampaign,
  seedEntries,
  startScoringServer,
  type ScoringServer,
} from './scoringSupport';

const UPLOAD = `mutation($file: Upload!, $campaignId: ID) {
  uploadScoredFile(file: $file, campaignId: $campaignId) { id type status }
}`;
const MAX_BYTES = 8192;
const MAX_ROWS = 60;

/** Scored files through the API: the scrub's every reason, the scrubbed file, entries, lake, Slack and limits. */
describe('scored files', () => {
  let t: ScoringServer;

  beforeAll(async () => {
    t = await startScoringServer({
      SCORED_FILE_MAX_BYTES: String(MAX_BYTES),
      SCORED_FILE_MAX_ROWS: String(MAX_ROWS),
      FAN_LAKE_FLUSH_SECONDS: '3600',
    });
    const { app } = t.server;
    await seedCampaign(app, 'c1', {
      markets: [
        { id: 'nyc', country: 'US' },
        { id: 'lon', country: 'GB' },
      ],
    });
    await seedEntries(app, 'c1', [
      { userId: 'u1', email: 'u1@example.com' },
      { userId: 'u2', email: 'janedoe@gmail.com' },
      { userId: 'u3', email: 'x@mail.spam.example' },
      { userId: 'u4', email: 'u4@example.com' },
      { userId: 'u5', email: 'u5@example.com' },
      { userId: 'u6', email: 'u6@example.com', market: 'lon' },
      { userId: 'u7', email: 'u7@example.com' },
      { userId: 'u9', email: 'u9@example.com' },
      { userId: 'u10', email: 'u10@example.com', verdict: true },
      { userId: 'u11', email: 'u11@example.com', market: 'lon' },
      { userId: 'u12', email: 'registered@example.com' },
    ]);
    await t.gql(`mutation { addToBlacklist(entries: [
      { kind: EMAIL, value: "jane.doe@gmail.com" }, { kind: DOMAIN, value: "spam.example" }
    ]) { added } }`);
  });
  afterAll(() => t.stop());

  const lakeScoringRecords = async () => {
    const chunks = await t.server.app.db.collection(LAKE_BUFFER).find({ recordType: 'scoring' }).toArray();
    return chunks.reduce((sum, chunk) => sum + (chunk.count as number), 0);
  };

  it('gives each row its verdict and reason, keeps the extra columns, and applies the scores', async () => {
    const content = scoredFile(
      [
        ['c1', 'u1', 'u1@example.com', '+12025550123', '0.9', 'a'],
        ['c1', 'u2', ' J.a.n.e.Doe+promo@GoogleMail.com ', '', '0.8', 'b'],
        ['c1', 'u3', 'x@mail.spam.example', '', '0.7', 'c'],
        ['c1', 'u4', 'not-an-email', '', '0.6', 'd'],
        ['c1', 'u5', 'u5@example.com', '12345', '0.5', 'e'],
        ['c1', 'u6', 'u6@example.com', '07400 123456', '0.4', 'f'],
        ['c1', 'u7', 'u7@example.com', '', '1.5', 'g'],
        ['c1', 'u8', 'u8@example.com', '', '0.3', 'h'],
        ['c1', 'u9', 'u9@example.com', '', '0.3', 'i'],
        ['c1', 'u9', 'u9@example.com', '', '0.8', 'j'],
        ['c404', 'u1', 'u1@example.com', '', '0.2', 'k'],
        ['c1', 'u11'],
        ['c1', 'u10', 'u10@example.com', '', '0.95', 'l'],
        ['c1', 'u11', 'u11@example.com', '', '5e-01', 'm'],
        ['c1', 'u12', '', '(212) 555-0199', '0.1', 'n'],
      ],
      ['campaignId', 'userId', 'email', 'phone', 'score', 'segment'],
    );
    const response = await t.upload(UPLOAD, {}, content, 'registrants.txt');
    expect(response.errors).toBeUndefined();
    const job = await t.waitForJob(response.data.uploadScoredFile.id);
    expect(job.status).toBe('SUCCEEDED');
    const { stats, scrubbedKey, scored } = job.result;
    expect(stats).toMatchObject({ rows: 15, kept: 5, selected: 1, dropped: 9 });
    expect(stats.byReason).toMatchObject({
      INVALID_ROW: 1,
      INVALID_SCORE: 1,
      UNKNOWN_CAMPAIGN: 1,
      DUPLICATE: 1,
      NOT_REGISTERED: 1,
      ALREADY_SELECTED: 1,
      INVALID_EMAIL: 1,
      BLACKLISTED_EMAIL: 1,
      BLACKLISTED_DOMAIN: 1,
      INVALID_PHONE: 1,
      WRONG_CAMPAIGN: 0,
    });
    expect(stats.perMarket).toEqual([
      { campaignId: 'c1', market: 'lon', rows: 2, kept: 2, dropped: 0 },
      { campaignId: 'c1', market: 'nyc', rows: 8, kept: 3, dropped: 4 },
    ]);
    expect(job.stats).toMatchObject({ rows: 15, kept: 5, dropped: 9, reason_DUPLICATE: 1 });

    const scrubbed = (await readObject(t.server.app, scrubbedKey))!.split('\n').slice(0, -1);
    expect(scrubbed[0]).toBe('campaignId\tuserId\temail\tphone\tscore\tsegment\tverdict\treason');
    const verdictOf = (segment: string) => {
      const cells = scrubbed.find((line) => line.split('\t')[5] === segment)!.split('\t');
      return `${cells[6]}|${cells[7]}`;
    };
    expect(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n'].map((segment) => verdictOf(segment)),
    ).toEqual([
      '|',
      'false|BLACKLISTED_EMAIL',
      'false|BLACKLISTED_DOMAIN',
      'false|INVALID_EMAIL',
      'false|INVALID_PHONE',
      '|',
      'false|INVALID_SCORE',
      'false|NOT_REGISTERED',
      'false|DUPLICATE',
      '|',
      'false|UNKNOWN_CAMPAIGN',
      'true|ALREADY_SELECTED',
      '|',
      '|',
    ]);
    expect(scrubbed[12]).toBe('c1\tu11\tfalse\tINVALID_ROW');

    // kept and e-mail/phone drops reach their entries; the selected fan is left as it was
    expect(scored).toEqual({ records: 9, applied: 9 });
    const { app } = t.server;
    expect(await entryOf(app, 'c1', 'u1')).toMatchObject({ score: 0.9, verdict: null, verdictReason: null });
    expect(await entryOf(app, 'c1', 'u2')).toMatchObject({
      score: 0.8,
      verdict: false,
      verdictReason: 'BLACKLISTED_EMAIL',
    });
    expect(await entryOf(app, 'c1', 'u5')).toMatchObject({
      score: 0.5,
      verdict: false,
      verdictReason: 'INVALID_PHONE',
    });
    expect(await entryOf(app, 'c1', 'u9')).toMatchObject({ score: 0.8, verdict: null });
    expect(await entryOf(app, 'c1', 'u10')).toMatchObject({ score: null, verdict: true, code: 'CODE-1' });
    expect(await entryOf(app, 'c1', 'u7')).toMatchObject({ score: null, verdict: null });
    expect(await lakeScoringRecords()).toBe(9);

    const notices = await app.db.collection(NOTIFICATIONS_COLLECTION).find({ 'metadata.jobId': job.id }).toArray();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('15 rows: 5 kept, 9 dropped, 1 already selected');
    expect(notices[0]!.text).toContain('BLACKLISTED_EMAIL 1');
  });

  it('drops the rows of other campaigns when the upload names one, and refuses an unknown campaign', async () => {
    await seedCampaign(t.server.app, 'c2');
    await seedEntries(t.server.app, 'c2', [{ userId: 'v1', email: 'v1@example.com' }]);
    const content = scoredFile([
      ['c2', 'v1', 'v1@example.com', '', '0.5'],
      ['c1', 'u1', 'u1@example.com', '', '0.5'],
    ]);
    const response = await t.upload(UPLOAD, { campaignId: 'c2' }, content, 'c2.tsv');
    const job = await t.waitForJob(response.data.uploadScoredFile.id);
    expect(job.result.stats).toMatchObject({ rows: 2, kept: 1, byReason: { WRONG_CAMPAIGN: 1 } });
    expect(await entryOf(t.server.app, 'c1', 'u1')).toMatchObject({ score: 0.9 });

    const unknown = await t.upload(UPLOAD, { campaignId: 'nope' }, content, 'x.tsv');
    expect(unknown.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('refuses a file over its byte or row limit, or without the columns, and keeps nothing', async () => {
    const before = (await t.server.app.ports.objects.list('uploads/scored/')).length;
    const row = ['c1', 'u1', 'u1@example.com', '+12025550123', '0.5'];
    const tooBig = scoredFile(
      Array.from({ length: 40 }, () => [...row, 'x'.repeat(200)]),
      ['campaignId', 'userId', 'email', 'phone', 'score', 'note'],
    );
    expect(tooBig.length).toBeGreaterThan(MAX_BYTES);
    const big = await t.upload(UPLOAD, {}, tooBig, 'big.tsv');
    expect(big.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(big.errors[0].message).toContain('SCORED_FILE_MAX_BYTES');

    const manyRows = scoredFile(Array.from({ length: MAX_ROWS + 1 }, () => row));
    expect(manyRows.length).toBeLessThan(MAX_BYTES);
    const many = await t.upload(UPLOAD, {}, manyRows, 'many.tsv');
    expect(many.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(many.errors[0].message).toContain('SCORED_FILE_MAX_ROWS');

    const noScore = await t.upload(UPLOAD, {}, 'campaignId\tuserId\temail\tphone\nc1\tu1\tu1@example.com\t\n', 'a.tsv');
    expect(noScore.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(noScore.errors[0].message).toContain('lacks score');

    expect(await t.server.app.ports.objects.list('uploads/scored/')).toHaveLength(before);
  });

  it('picks a file dropped under scored/ up once, however often it is seen', async () => {
    const { app } = t.server;
    await app.ports.objects.put('scored/drop/registrants.txt', scoredFile([['c1', 'u12', '', '', '0.25']]));
    await t.services.scoring.poll.poll();
    await t.services.scoring.poll.poll();
    const [stored] = await app.ports.objects.list('scored/drop/registrants.txt');
    await t.services.scoring.scoredFiles.found(stored!);
    const jobs = await app.db
      .collection('jobs')
      .find({ type: 'scored-file', 'params.key': 'scored/drop/registrants.txt' })
      .toArray();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.trigger).toBe('EVENT');
    const job = await t.waitForJob(String(jobs[0]!._id));
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result.scrubbedKey).toBe('scrubbed/drop/registrants.txt');
    expect(await readObject(app, 'scrubbed/drop/registrants.txt')).toContain('c1\tu12\t\t\t0.25\t\t\n');
    expect(await entryOf(app, 'c1', 'u12')).toMatchObject({ score: 0.25 });
  });

  it('lets viewers read nothing of it: uploading is for operators', async () => {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    form.append('0', new Blob([scoredFile([])]), 'v.tsv');
    const response = await fetch(t.server.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${t.viewer}`, 'apollo-require-preflight': 'true' },
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
  });
});
