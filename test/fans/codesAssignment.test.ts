import { Type } from 'avsc';
import { fanRecordSchema } from '../../src/services/fans/ingest/recordSchemas';
import { DEMAND, type DemandDoc } from '../../src/services/fans/model';
import { bytesOf, LAKE_BUFFER, type LakeChunkDoc } from '../../src/services/fans/lake/writerModel';
import { startTestServer, type TestServer } from '../support/server';
import {
  assignment,
  assignmentService,
  codeDocs,
  codesOf,
  drainVerdicts,
  entryDocs,
  storeCampaign,
  storeEntries,
  storePool,
} from './codesSupport';
import { postNdjson } from './ingestSupport';

/** The code-assignment pipeline through the running service: codes, entries, demand, verdicts, lake. */
describe('code assignment', () => {
  let server: TestServer;
  const db = () => server.app.db;
  const handle = (records: Parameters<ReturnType<typeof assignmentService>['handle']>[0]) =>
    assignmentService(server).handle(records);

  beforeAll(async () => {
    server = await startTestServer({ FAN_LAKE_FLUSH_SECONDS: '3600', FAN_ASSIGN_BATCH_SIZE: '3' });
    await storeCampaign(db(), 'tour');
    await storeCampaign(db(), 'other');
    await storeEntries(db(), 'tour', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9']);
    await storeEntries(db(), 'other', ['u1']);
    await storePool(db(), 'tour', 'presale', codesOf('TOUR', 6));
    await storePool(db(), 'other', 'presale', ['OTHER0001']);
  });
  afterAll(() => server.stop());
  beforeEach(() => drainVerdicts(server.app.ports.queue));

  /** The codeAssignment records in the lake buffer, decoded. */
  async function lakeRecords(): Promise<{ userId: string; code: string; codeKind: string }[]> {
    const { type } = fanRecordSchema('codeAssignment');
    const chunks = await db().collection<LakeChunkDoc>(LAKE_BUFFER).find({ recordType: 'codeAssignment' }).toArray();
    return chunks.flatMap((chunk) => {
      const bytes = bytesOf(chunk.bytes);
      const records = [];
      for (let offset = 0; offset < bytes.length;) {
        const { value, offset: next } = (type as Type).decode(bytes, offset);
        records.push(value);
        offset = next;
      }
      return records;
    });
  }

  it('gives each fan the next free code, sets the verdict and demand, publishes the verdicts and appends to the lake', async () => {
    const records = ['u1', 'u2'].map((userId) =>
      assignment('tour', userId, {
        selectedEvents: [' ev-nyc-1 ', 'ev-nyc-2', 'ev-nyc-1'],
        idempotencyKey: `w1:${userId}`,
      }),
    );
    expect(await handle(records)).toEqual([{ accepted: true }, { accepted: true }]);

    const entries = await entryDocs(db())
      .find({ _id: { $in: ['tour:u1', 'tour:u2'] } }, { sort: { _id: 1 } })
      .toArray();
    expect(entries.map((entry) => [entry.verdict, entry.code, entry.codeKind, entry.selectedEvents])).toEqual([
      [true, 'TOUR00000', 'NON_TM', ['ev-nyc-1', 'ev-nyc-2']],
      [true, 'TOUR00001', 'NON_TM', ['ev-nyc-1', 'ev-nyc-2']],
    ]);
    const code = await codeDocs(db()).findOne({ _id: 'TOUR00000' });
    expect(code).toMatchObject({ state: 'ASSIGNED', entryId: 'tour:u1', userId: 'u1' });
    const demand = await db().collection<DemandDoc>(DEMAND).findOne({ _id: 'tour:u2' });
    expect(demand).toMatchObject({ campaignId: 'tour', userId: 'u2', selectedEvents: ['ev-nyc-1', 'ev-nyc-2'] });

    const messages = await drainVerdicts(server.app.ports.queue);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual({
      version: 1,
      messageId: expect.any(String),
      campaignId: 'tour',
      publishedAt: expect.any(String),
      verdicts: [
        {
          userId: 'u1',
          email: 'u1@example.com',
          code: 'TOUR00000',
          codeKind: 'NON_TM',
          selectedEvents: ['ev-nyc-1', 'ev-nyc-2'],
          assignedAt: '2026-04-01T10:00:00.000Z',
          waveId: null,
          refresh: false,
        },
        expect.objectContaining({ userId: 'u2', code: 'TOUR00001' }),
      ],
    });
    const lake = await lakeRecords();
    expect(lake.map((record) => [record.userId, record.code, record.codeKind])).toEqual([
      ['u1', 'TOUR00000', 'NON_TM'],
      ['u2', 'TOUR00001', 'NON_TM'],
    ]);
  });

  it('assigns nothing twice when records are delivered again, with or without their key, and accepts them', async () => {
    const before = await codeDocs(db()).countDocuments({ state: 'ASSIGNED' });
    const lakeBefore = (await lakeRecords()).length;
    const again = [
      assignment('tour', 'u1', { idempotencyKey: 'w1:u1' }),
      assignment('tour', 'u2', { idempotencyKey: 'w1:u2' }),
      assignment('tour', 'u2', { idempotencyKey: 'w1:u2' }),
      assignment('tour', 'u1'),
      assignment('tour', 'u1', { code: 'TOUR00000', codeKind: 'NON_TM' }),
    ];
    expect(await handle(again)).toEqual(again.map(() => ({ accepted: true })));
    expect(await codeDocs(db()).countDocuments({ state: 'ASSIGNED' })).toBe(before);
    expect((await lakeRecords()).length).toBe(lakeBefore);
    expect((await entryDocs(db()).findOne({ _id: 'tour:u1' }))?.code).toBe('TOUR00000');
    // published again, so a delivery whose first publication was lost still reaches downstream
    const verdicts = (await drainVerdicts(server.app.ports.queue)).flatMap((message) => message.verdicts);
    expect(verdicts.map((verdict) => [verdict.userId, verdict.code])).toEqual([
      ['u1', 'TOUR00000'],
      ['u2', 'TOUR00001'],
      ['u1', 'TOUR00000'],
      ['u1', 'TOUR00000'],
    ]);
  });

  it('assigns a given code, records a TM code as given and finds a fan by e-mail', async () => {
    const outcomes = await handle([
      assignment('tour', 'u3', { code: ' TOUR00005 ', codeKind: 'NON_TM' }),
      assignment('tour', 'u4', { code: 'TM-998877', codeKind: 'TM', selectedEvents: ['ev-lon'] }),
      assignment('tour', null, { email: 'U5@Example.com' }),
    ]);
    expect(outcomes).toEqual([{ accepted: true }, { accepted: true }, { accepted: true }]);
    const entries = await entryDocs(db())
      .find({ _id: { $in: ['tour:u3', 'tour:u4', 'tour:u5'] } })
      .toArray();
    expect(entries.map((entry) => [entry._id, entry.code, entry.codeKind])).toEqual([
      ['tour:u3', 'TOUR00005', 'NON_TM'],
      ['tour:u4', 'TM-998877', 'TM'],
      ['tour:u5', 'TOUR00002', 'NON_TM'],
    ]);
    expect(await codeDocs(db()).findOne({ _id: 'TM-998877' })).toBeNull();
  });

  it('rejects each bad record with its reason and error code, and keeps the rest of the batch', async () => {
    await storeEntries(db(), 'tour', ['twin-a', 'twin-b']);
    await entryDocs(db()).updateMany(
      { _id: { $in: ['tour:twin-a', 'tour:twin-b'] } },
      { $set: { email: 'twin@example.com' } },
    );
    await storePool(db(), 'tour', 'offers', ['OFFR-0000-0001'], 'OFFER');
    await codeDocs(db()).updateOne({ _id: 'TOUR00004' }, { $set: { state: 'RESERVED', waveId: 'wave-9' } });
    const cases: [ReturnType<typeof assignment>, string, string][] = [
      [assignment('nowhere', 'u1'), 'CAMPAIGN_NOT_FOUND', 'NOT_FOUND'],
      [assignment('tour', 'stranger'), 'FAN_NOT_REGISTERED', 'NOT_FOUND'],
      [assignment('tour', null, { email: 'twin@example.com' }), 'EMAIL_AMBIGUOUS', 'BAD_USER_INPUT'],
      [assignment('tour', null), 'INVALID_RECORD', 'BAD_USER_INPUT'],
      [assignment('tour', 'u6', { code: 'bad code!' }), 'INVALID_CODE', 'BAD_USER_INPUT'],
      [assignment('tour', 'u6', { selectedEvents: ['x'.repeat(300)] }), 'INVALID_SELECTED_EVENTS', 'BAD_USER_INPUT'],
      [assignment('tour', 'u6', { codeKind: 'TM' }), 'CODE_REQUIRED', 'BAD_USER_INPUT'],
      [assignment('tour', 'u6', { code: 'NOSUCHCODE' }), 'CODE_NOT_FOUND', 'NOT_FOUND'],
      [assignment('tour', 'u6', { code: 'OTHER0001' }), 'CODE_OF_OTHER_CAMPAIGN', 'BAD_USER_INPUT'],
      [
        assignment('tour', 'u6', { code: 'OFFR-0000-0001', codeKind: 'NON_TM' }),
        'CODE_KIND_MISMATCH',
        'BAD_USER_INPUT',
      ],
      [assignment('tour', 'u6', { code: 'TOUR00000' }), 'CODE_ALREADY_ASSIGNED', 'CONFLICT'],
      [assignment('tour', 'u6', { code: 'TOUR00004' }), 'CODE_RESERVED', 'CONFLICT'],
      [assignment('tour', 'u7', { refresh: true }), 'NOTHING_TO_REFRESH', 'CONFLICT'],
    ];
    const outcomes = await handle([
      ...cases.map(([record]) => record),
      assignment('tour', 'u6', { code: 'TOUR00003' }),
    ]);
    cases.forEach(([, reason, code], index) => {
      expect(outcomes[index]).toEqual({
        accepted: false,
        reason: expect.stringMatching(new RegExp(`^${reason}: `)),
        code,
      });
    });
    expect(outcomes.at(-1)).toEqual({ accepted: true });
    expect((await entryDocs(db()).findOne({ _id: 'tour:u6' }))?.code).toBe('TOUR00003');

    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toMatch(/fan_code_assignments_total\{outcome="rejected",reason="CODE_ALREADY_ASSIGNED"\} 1/);
  });

  it("assigns an OFFER code, and a code RESERVED for the record's wave, but no code once the pool is empty", async () => {
    const outcomes = await handle([
      assignment('tour', 'u7', { code: 'OFFR-0000-0001', codeKind: 'OFFER' }),
      assignment('tour', 'u8', { code: 'TOUR00004', waveId: 'wave-9' }),
      assignment('tour', 'u9'),
    ]);
    expect(outcomes.slice(0, 2)).toEqual([{ accepted: true }, { accepted: true }]);
    expect(outcomes[2]).toMatchObject({ accepted: false, reason: expect.stringMatching(/^NO_CODES_AVAILABLE: /) });
    expect(await codeDocs(db()).findOne({ _id: 'TOUR00004' })).toMatchObject({
      state: 'ASSIGNED',
      waveId: 'wave-9',
      userId: 'u8',
    });
  });

  it("re-publishes a fan's code on a selection refresh, with the new selected events", async () => {
    expect(await handle([assignment('tour', 'u3', { refresh: true, selectedEvents: ['ev-new'] })])).toEqual([
      { accepted: true },
    ]);
    const [message] = await drainVerdicts(server.app.ports.queue);
    expect(message!.verdicts).toEqual([
      expect.objectContaining({ userId: 'u3', code: 'TOUR00005', selectedEvents: ['ev-new'], refresh: true }),
    ]);
    expect((await db().collection<DemandDoc>(DEMAND).findOne({ _id: 'tour:u3' }))?.selectedEvents).toEqual(['ev-new']);
    expect((await entryDocs(db()).findOne({ _id: 'tour:u3' }))?.code).toBe('TOUR00005');
  });

  it("keeps one fan's records in order across the batches of a call, though batches run at once", async () => {
    await storeCampaign(db(), 'ordered');
    await storeEntries(db(), 'ordered', ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
    await storePool(db(), 'ordered', 'p', codesOf('ORD', 6));
    // batches of 3: o1's assignment in the first (fans by e-mail: its lookups take longest), its
    // refresh in the third (by userId: no lookup), which must still wait for the first
    const records = [
      ...['o1', 'o2', 'o3'].map((userId) => assignment('ordered', null, { email: `${userId}@example.com` })),
      ...['o4', 'o5', 'o6'].map((userId) => assignment('ordered', userId)),
      assignment('ordered', 'o1', { refresh: true, selectedEvents: ['ev-late'] }),
    ];
    expect(await handle(records)).toEqual(records.map(() => ({ accepted: true })));
    expect(await entryDocs(db()).findOne({ _id: 'ordered:o1' })).toMatchObject({
      code: expect.stringMatching(/^ORD/),
      selectedEvents: ['ev-late'],
    });
  });

  it('publishes one verdict message per batch, in record order, though the batches of a call are written together', async () => {
    const fans = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7'];
    await storeCampaign(db(), 'batches');
    await storeEntries(db(), 'batches', fans);
    await storePool(db(), 'batches', 'p', codesOf('BAT', 7));
    const records = fans.map((userId) => assignment('batches', userId));
    expect(await handle(records)).toEqual(records.map(() => ({ accepted: true })));
    const messages = await drainVerdicts(server.app.ports.queue);
    expect(messages.map((message) => message.verdicts.map((verdict) => verdict.userId))).toEqual([
      ['b1', 'b2', 'b3'],
      ['b4', 'b5', 'b6'],
      ['b7'],
    ]);
    expect(new Set(messages.map((message) => message.messageId)).size).toBe(3);
    const codes = messages.flatMap((message) => message.verdicts.map((verdict) => verdict.code));
    expect(new Set(codes).size).toBe(7);
  });

  it('finishes a claim a crash cut off: the code already assigned to the fan is given to it, not a second one', async () => {
    await storeCampaign(db(), 'crash');
    await storeEntries(db(), 'crash', ['f1']);
    await storePool(db(), 'crash', 'p', ['CRASH0001', 'CRASH0002']);
    // the state a kill -9 between the code's claim and the entry's write leaves
    await codeDocs(db()).updateOne(
      { _id: 'CRASH0002' },
      { $set: { state: 'ASSIGNED', entryId: 'crash:f1', userId: 'f1', assignedAt: new Date() } },
    );
    expect(await handle([assignment('crash', 'f1')])).toEqual([{ accepted: true }]);
    expect((await entryDocs(db()).findOne({ _id: 'crash:f1' }))?.code).toBe('CRASH0002');
    expect(await codeDocs(db()).findOne({ _id: 'CRASH0001' })).toMatchObject({ state: 'AVAILABLE' });
  });

  it('reads codes by the indexes made for them, not by scanning the pool', async () => {
    const examined = async (filter: Record<string, unknown>, sort?: Record<string, 1>) => {
      let cursor = codeDocs(db()).find(filter as never);
      if (sort) cursor = cursor.sort(sort);
      const { executionStats } = (await cursor.explain('executionStats')) as {
        executionStats: { nReturned: number; totalDocsExamined: number };
      };
      return executionStats;
    };
    // a crash's unfinished claims for a batch's fans; a wave's reserved codes; a pool's next free codes
    const leftovers = await examined({ entryId: { $in: ['tour:u1', 'tour:u7'] }, state: 'ASSIGNED', kind: 'NON_TM' });
    expect(leftovers).toMatchObject({ nReturned: 1, totalDocsExamined: 2 });
    expect(await examined({ waveId: 'wave-9', state: 'RESERVED' })).toMatchObject({ totalDocsExamined: 0 });
    const free = await examined({ poolId: 'tour:presale', state: 'AVAILABLE', _id: { $gt: 'TOUR00000' } }, { _id: 1 });
    expect(free.totalDocsExamined).toBe(free.nReturned);
  });

  it('takes code assignments from POST /ingest/fans', async () => {
    await storeCampaign(db(), 'ingested');
    await storeEntries(db(), 'ingested', ['i1']);
    await storePool(db(), 'ingested', 'p', ['INGEST001']);
    const operator = await server.createApiKey('operator', 'ingest ops');
    const lines = [
      { ...assignment('ingested', 'i1'), assignedAt: '2026-04-01T10:00:00Z' },
      { ...assignment('ingested', 'i1', { code: 'OTHER0001' }), assignedAt: '2026-04-01T10:00:00Z' },
    ];
    const answer = await postNdjson(server, operator, lines.map((line) => JSON.stringify(line)).join('\n'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(answer.body.rejections).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'BAD_USER_INPUT',
        reason: expect.stringMatching(/^CODE_OF_OTHER_CAMPAIGN/),
      }),
    ]);
    expect((await entryDocs(db()).findOne({ _id: 'ingested:i1' }))?.code).toBe('INGEST001');
  });
});
