import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import {
  codesOf,
  drainVerdicts,
  entryDocs,
  finishedJob,
  JOB_FIELDS,
  storeCampaign,
  storeEntries,
  storePool,
  uploadMutation,
  type JobView,
} from './codesSupport';

const ASSIGN_RECORDS = `mutation($c: ID!, $r: [CodeAssignmentInput!]) { assignCodes(campaignId: $c, records: $r) { ${JOB_FIELDS} } }`;
const ASSIGN_FILE = `mutation($c: ID!, $file: Upload) { assignCodes(campaignId: $c, file: $file) { ${JOB_FIELDS} } }`;

/** assignCodes over HTTP: inline records and files, as jobs with counts, lines and reasons. */
describe('assignCodes', () => {
  let server: TestServer;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer({ JOB_POLL_WAIT_SECONDS: '1', QUEUE_POLL_INTERVAL_MS: '50' });
    operator = await server.createApiKey('operator', 'ops');
    await storeCampaign(server.app.db, 'tour');
    await storeEntries(server.app.db, 'tour', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    await storePool(server.app.db, 'tour', 'presale', codesOf('PRE', 10));
  });
  afterAll(() => server.stop());

  const assign = (variables: Record<string, unknown>) =>
    graphql<{ assignCodes: JobView }>(server.url, ASSIGN_RECORDS, variables, { key: operator });

  it('assigns inline records in a job whose result counts them, with the position and reason of each reject', async () => {
    const answer = await assign({
      c: 'tour',
      r: [
        { userId: 'u1', selectedEvents: ['ev-1'] },
        { email: 'U2@example.com', code: 'PRE00009' },
        { userId: 'u3', code: 'TM-0001', codeKind: 'TM' },
        { userId: 'nobody' },
      ],
    });
    expect(answer.data?.assignCodes).toMatchObject({ type: 'fan-codes-assign' });
    const job = await finishedJob(server, operator, answer.data!.assignCodes.id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result).toEqual({
      campaignId: 'tour',
      total: 4,
      accepted: 3,
      rejected: 1,
      rejectedByReason: { FAN_NOT_REGISTERED: 1 },
      rejects: [{ line: 4, reason: 'FAN_NOT_REGISTERED: user nobody is not registered for tour' }],
    });
    const entries = await entryDocs(server.app.db)
      .find({ _id: { $in: ['tour:u1', 'tour:u2', 'tour:u3'] } })
      .toArray();
    expect(entries.map((entry) => [entry.userId, entry.verdict, entry.code])).toEqual([
      ['u1', true, 'PRE00000'],
      ['u2', true, 'PRE00009'],
      ['u3', true, 'TM-0001'],
    ]);
    const verdicts = (await drainVerdicts(server.app.ports.queue)).flatMap((message) => message.verdicts);
    expect(verdicts.map((verdict) => verdict.userId)).toEqual(['u1', 'u2', 'u3']);
  });

  it('assigns the rows of a CSV file, rejecting bad rows with their line numbers', async () => {
    const csv = [
      'UserId,Email,Code,CodeKind,SelectedEvents,Refresh',
      'u4,,,,ev-a|ev-b,',
      ',u5@example.com,PRE00008,NON_TM,,no',
      'u6,,,GOLD,,',
      'u1,,,,ev-c,true',
      'u6,,PRE00009,,,',
    ].join('\n');
    const answer = await uploadMutation<{ assignCodes: JobView }>(
      server,
      operator,
      ASSIGN_FILE,
      { c: 'tour' },
      {
        content: csv,
        filename: 'winners.csv',
      },
    );
    const job = await finishedJob(server, operator, answer.data!.assignCodes.id);
    expect(job.result).toMatchObject({ total: 5, accepted: 3, rejected: 2 });
    expect(job.result.rejects).toEqual([
      { line: 4, reason: expect.stringMatching(/^INVALID_RECORD: codeKind "GOLD"/) },
      { line: 6, reason: expect.stringMatching(/^CODE_ALREADY_ASSIGNED/) },
    ]);
    const u4 = await entryDocs(server.app.db).findOne({ _id: 'tour:u4' });
    expect(u4).toMatchObject({ code: 'PRE00001', selectedEvents: ['ev-a', 'ev-b'] });
    expect((await entryDocs(server.app.db).findOne({ _id: 'tour:u1' }))?.selectedEvents).toEqual(['ev-c']);
    expect(await server.app.ports.objects.list('uploads/fan-code-assignments/')).toEqual([]);
  });

  it('refuses a request it cannot run with a coded error, starting no job', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, index) => ({ userId: `u${index}` }));
    const cases: [Record<string, unknown>, string][] = [
      [{ c: 'tour' }, 'BAD_USER_INPUT'],
      [{ c: 'tour', r: [] }, 'BAD_USER_INPUT'],
      [{ c: 'tour', r: tooMany }, 'BAD_USER_INPUT'],
      [{ c: 'nowhere', r: [{ userId: 'u1' }] }, 'NOT_FOUND'],
    ];
    for (const [variables, code] of cases) {
      expect((await assign(variables)).errors?.[0]?.extensions?.code).toBe(code);
    }
    const noFan = await uploadMutation(
      server,
      operator,
      ASSIGN_FILE,
      { c: 'tour' },
      {
        content: 'code\nPRE00007\n',
        filename: 'codes.csv',
      },
    );
    expect(noFan.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(noFan.errors?.[0]?.message).toMatch(/userId nor an email column/);
  });
});
