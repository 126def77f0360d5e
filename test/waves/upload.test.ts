import { OPT_OUTS, type OptOutDoc } from '../../src/services/waves/model';
import {
  csv,
  messagesOf,
  soon,
  startWaveServer,
  storeCampaign,
  storeFans,
  UPLOAD_WAVE,
  uploadWave,
  waveConfig,
  waveDoc,
  type WaveServer,
} from './waveSupport';

const WAVE = `query($id: ID!) { wave(id: $id) {
  id name status totalSegments expectedDurationSeconds rejectCount progress codesGenerated
  config { campaignId messageTemplate segmentsPerSecond senderKind messageType brand validitySeconds }
  counts { total skipped segments }
  rejects(first: 100) { totalCount edges { node { line reason } } }
} }`;

describe('uploadWave', () => {
  let waves: WaveServer;

  beforeAll(async () => {
    waves = await startWaveServer({ WAVE_UPLOAD_MAX_ROWS: '30', WAVE_UPLOAD_MAX_BYTES: '20000' });
    await storeCampaign(waves.app, 'tour');
    await storeFans(waves.app, 'tour', [
      { userId: 'u1', consent: true },
      { userId: 'u3', firstName: 'Cy' },
      { userId: 'u4', consent: true, firstName: 'Dee' },
      { userId: 'fan7' },
      { userId: 'u10', consent: true },
    ]);
    await waves.app.db.collection<OptOutDoc>(OPT_OUTS).insertOne({
      _id: '+15555550100:+12125550108',
      brand: '+15555550100',
      phone: '+12125550108',
      source: 'STOP',
      at: new Date(),
    });
  });
  afterAll(() => waves.stop());

  it('keeps the good rows as PENDING messages and rejects the others with their line and reason', async () => {
    const job = await uploadWave(
      waves,
      csv(
        'userId,email,phone,firstName,market,link',
        'u1,,(212) 555-0101,Ann,nyc,https://x.example/1',
        'u2,,020 7946 0018,Bob,lon,https://x.example/2',
        'u3,,(212) 555-0103,,nyc,https://x.example/3',
        'u4,,(212) 555-0104,Dee,mars,https://x.example/4',
        'u1,,(212) 555-0199,Ann,nyc,https://x.example/1',
        'u5,,(212) 555-0101,Eve,nyc,https://x.example/5',
        'u6,,not a phone,Fay,nyc,https://x.example/6',
        ',FAN7@example.com,(212) 555-0107,Gus,nyc,',
        'u8,,(212) 555-0108,Hal,nyc,https://x.example/8',
        `u9,,(212) 555-0109,Ivy,nyc,https://x.example/${'a'.repeat(1600)}`,
        ',u10@example.com,,Jo,nyc,https://x.example/10',
        ',,(212) 555-0111,Kim,nyc,https://x.example/11',
      ),
      waveConfig('tour', {
        name: 'Presale reminder',
        emailSubjectTemplate: 'Your presale',
        emailTemplate: 'Hi {{firstName}}: {{link}}',
      }),
    );
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result).toMatchObject({ kept: 4, rejected: 8 });
    const { wave } = await waves.gql(WAVE, { id: job.result.waveId }, waves.viewer);
    expect(wave).toMatchObject({
      name: 'Presale reminder',
      status: 'DRAFT',
      rejectCount: 8,
      progress: 0,
      config: { campaignId: 'tour', segmentsPerSecond: 1, senderKind: 'LONG_CODE', brand: '+15555550100' },
      counts: { total: 4, skipped: 0, segments: 0 },
    });
    const rejects = wave.rejects.edges.map((edge: any) => [edge.node.line, edge.node.reason]);
    expect(rejects).toEqual([
      [5, 'market: mars is not a market of campaign tour'],
      [6, 'duplicate recipient: the same fan or phone as line 2'],
      [7, 'duplicate recipient: the same fan or phone as line 2'],
      [8, 'phone: not a phone is not a valid number in US (and the row has no e-mail fallback)'],
      [9, '{{link}}: no value in this row'],
      [10, 'phone: +12125550108 opted out of +15555550100'],
      [11, expect.stringMatching(/^text: 16\d\d characters: at most 1,600$/)],
      [13, 'userId or email: one is required'],
    ]);
    const messages = await messagesOf(waves.app, job.result.waveId);
    expect(messages.map((m) => [m.row, m.userId, m.phone, m.text, m.status])).toEqual([
      [2, 'u1', '+12125550101', 'Hi Ann, presale: https://x.example/1', 'PENDING'],
      [3, 'u2', '+442079460018', 'Hi Bob, presale: https://x.example/2', 'PENDING'],
      [4, 'u3', '+12125550103', 'Hi Cy, presale: https://x.example/3', 'PENDING'],
      [12, 'u10', null, 'Hi Jo, presale: https://x.example/10', 'PENDING'],
    ]);
    expect(messages[1]).toMatchObject({ market: 'lon', timeZone: 'Europe/London', segments: 1 });
    expect(wave.totalSegments).toBe(4);
    expect(wave.expectedDurationSeconds).toBe(4);
  });

  it('takes only fans with recorded SMS consent into a PROMOTIONAL wave', async () => {
    const job = await uploadWave(
      waves,
      csv('userId,phone,market', 'u1,(212) 555-0121,nyc', 'u3,(212) 555-0123,nyc', 'stranger,(212) 555-0124,nyc'),
      waveConfig('tour', { messageType: 'PROMOTIONAL', messageTemplate: 'Presale tomorrow! Reply STOP to opt out' }),
    );
    expect(job.result).toMatchObject({ kept: 1, rejected: 2 });
    const wave = await waveDoc(waves.app, job.result.waveId);
    expect(wave!.rejects).toEqual([
      { line: 3, reason: 'no recorded SMS consent: a PROMOTIONAL wave texts only fans who gave it' },
      { line: 4, reason: 'no recorded SMS consent: a PROMOTIONAL wave texts only fans who gave it' },
    ]);
  });

  it('measures texts in segments: GSM-7 153 a part, UCS-2 67 once a character needs it', async () => {
    const job = await uploadWave(
      waves,
      csv(
        'userId,phone,market,note',
        `u1,(212) 555-0131,nyc,${'a'.repeat(200)}`,
        `u3,(212) 555-0133,nyc,${'é'.repeat(100)}😀`,
      ),
      waveConfig('tour', { messageTemplate: '{{note}}', segmentsPerSecond: 0.5 }),
    );
    const messages = await messagesOf(waves.app, job.result.waveId);
    expect(messages.map((m) => m.segments)).toEqual([2, 2]);
    const wave = await waveDoc(waves.app, job.result.waveId);
    expect(wave).toMatchObject({ totalSegments: 4, counts: { total: 2 } });
    const { wave: shown } = await waves.gql(WAVE, { id: wave!._id });
    expect(shown.expectedDurationSeconds).toBe(8);
  });

  it.each([
    [
      'a notifyDate in the past',
      { notifyDate: new Date(Date.now() - 60_000).toISOString() },
      'BAD_USER_INPUT',
      'in the past',
    ],
    ['a notifyDate past 35 days', { notifyDate: soon(36 * 24 * 60) }, 'BAD_USER_INPUT', 'at most 35 days ahead'],
    ['a rate of 0', { segmentsPerSecond: 0 }, 'BAD_USER_INPUT', 'above 0'],
    [
      "a rate above the sender's cap",
      { senderKind: 'TOLL_FREE', segmentsPerSecond: 4 },
      'BAD_USER_INPUT',
      'WAVE_RATE_TOLL_FREE',
    ],
    ['an unknown campaign', { campaignId: 'nope' }, 'NOT_FOUND', 'nope'],
    ['a placeholder with no column', { messageTemplate: 'Hi {{nickname}}' }, 'BAD_USER_INPUT', '{{nickname}}'],
    ['offer codes without {{code}}', { generateOfferCode: true }, 'BAD_USER_INPUT', '{{code}}'],
    ['an e-mail body without a subject', { emailTemplate: 'Hi' }, 'BAD_USER_INPUT', 'subject and body'],
  ])('refuses %s with a coded error and keeps nothing', async (_case, extra, code, message) => {
    const before = await waves.app.db.collection('jobs').countDocuments({ type: 'wave-upload' });
    const response = await waves.upload(
      UPLOAD_WAVE,
      { config: waveConfig('tour', extra) },
      csv('userId,phone,market,link', 'u1,(212) 555-0101,nyc,https://x.example'),
      'wave.csv',
    );
    expect(response.errors?.[0]).toMatchObject({ extensions: { code }, message: expect.stringContaining(message) });
    expect(await waves.app.db.collection('jobs').countDocuments({ type: 'wave-upload' })).toBe(before);
  });

  it.each([
    [
      'more rows than WAVE_UPLOAD_MAX_ROWS',
      Array.from({ length: 31 }, (_, i) => `u${i},(212) 555-01${String(i).padStart(2, '0')},nyc`),
    ],
    [
      'more bytes than WAVE_UPLOAD_MAX_BYTES',
      Array.from({ length: 20 }, (_, i) => `u${i},(212) 555-0100,nyc,${'x'.repeat(1200)}`),
    ],
  ])('answers PAYLOAD_TOO_LARGE for %s, and nothing is kept', async (_case, rows) => {
    const waveCount = await waves.app.db.collection('waves').countDocuments({});
    const response = await waves.upload(
      UPLOAD_WAVE,
      { config: waveConfig('tour', { messageTemplate: 'Hello' }) },
      csv('userId,phone,market,note', ...rows),
      'big.csv',
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await waves.app.ports.objects.list('uploads/waves/')).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ key: expect.stringContaining('big') })]),
    );
    expect(await waves.app.db.collection('waves').countDocuments({})).toBe(waveCount);
  });

  it('refuses a file without the columns a wave needs', async () => {
    const response = await waves.upload(
      UPLOAD_WAVE,
      { config: waveConfig('tour', { messageTemplate: 'Hi' }) },
      csv('userId,market', 'u1,nyc'),
      'w.csv',
    );
    expect(response.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringContaining('phone'),
    });
    const noFan = await waves.upload(
      UPLOAD_WAVE,
      { config: waveConfig('tour', { messageTemplate: 'Hi' }) },
      csv('phone,market', '2125550101,nyc'),
      'w.csv',
    );
    expect(noFan.errors?.[0]?.message).toContain('neither a userId nor an email column');
  });
});
