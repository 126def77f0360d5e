import { fansFeature } from '../../src/features/fans';
import type { JobRecord } from '../../src/jobs/jobType';
import { CODES, FAN_ENTRIES, type CodeDoc, type FanEntryDoc } from '../../src/services/fans/model';
import { WAVES, type WaveDoc } from '../../src/services/waves/model';
import {
  csv,
  messagesOf,
  soon,
  startWaveServer,
  storeCampaign,
  storeFans,
  storePool,
  uploadWave,
  waveConfig,
  waveDoc,
  type WaveServer,
} from './waveSupport';

const WAVE_FIELDS = 'id status statusReason scheduledJobId codesAssigned config { notifyDate }';
const mutation = (name: string, args = '$id: ID!', call = 'id: $id') =>
  `mutation(${args}) { ${name}(${call}) { ${WAVE_FIELDS} } }`;
const SCHEDULE = mutation('scheduleWave', '$id: ID!, $notifyDate: DateTime', 'id: $id, notifyDate: $notifyDate');

describe('wave lifecycle', () => {
  let waves: WaveServer;
  let rowPhone = 100;
  const jobs = (filter: Record<string, unknown>) => waves.app.db.collection<JobRecord>('jobs').find(filter).toArray();
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (let i = 0; i < 400; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('condition not reached');
  };
  /** A DRAFT wave of the fans given (userId[:code[:kind]]), each on a phone of its own. */
  const draftWave = async (fans: string[], extra: Record<string, unknown> = {}) => {
    const rows = fans.map((fan) => {
      const [userId, code = '', kind = ''] = fan.split(':');
      rowPhone += 1;
      return `${userId},(212) 555-${String(rowPhone).padStart(4, '0')},nyc,${code},${kind}`;
    });
    const job = await uploadWave(
      waves,
      csv('userId,phone,market,code,codeKind', ...rows),
      waveConfig('tour', { messageTemplate: 'Your presale is on', ...extra }),
    );
    return job.result.waveId as string;
  };
  const errorOf = async (query: string, variables: Record<string, unknown>) =>
    (await waves.call(query, variables)).errors?.[0];

  beforeAll(async () => {
    waves = await startWaveServer();
    await storeCampaign(waves.app, 'tour');
    await storeCampaign(waves.app, 'other');
    await storeFans(
      waves.app,
      'tour',
      ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((userId) => ({ userId })),
    );
    await storePool(waves.app, 'tour', 'p1', ['NT-0001', 'NT-0002', 'NT-0003', 'NT-0004']);
    await storePool(waves.app, 'other', 'p9', ['OT-0001']);
  });
  afterAll(() => waves.stop());

  it('schedules a DRAFT wave with a durable delayed start job; rescheduling replaces the job', async () => {
    const id = await draftWave(['u1']);
    const { scheduleWave } = await waves.gql(SCHEDULE, { id });
    expect(scheduleWave).toMatchObject({ status: 'SCHEDULED', scheduledJobId: expect.any(String) });
    const [first] = await jobs({ _id: scheduleWave.scheduledJobId });
    expect(first).toMatchObject({ type: 'wave-start', status: 'QUEUED' });
    // the delay is counted from the enqueue, a millisecond or so after the wave's write
    const offBy = (runAt: Date | null | undefined, date: string) => Math.abs(runAt!.getTime() - Date.parse(date));
    expect(offBy(first!.runAt, scheduleWave.config.notifyDate)).toBeLessThan(1000);
    const later = soon(2 * 24 * 60);
    const { scheduleWave: again } = await waves.gql(SCHEDULE, { id, notifyDate: later });
    const [second] = await jobs({ _id: again.scheduledJobId });
    // two days ahead: longer than a queue message can wait, so kept in the jobs store for the dispatcher
    expect(second).toMatchObject({ type: 'wave-start', status: 'QUEUED' });
    expect(offBy(second!.runAt, later)).toBeLessThan(1000);
    expect(second!.dispatchedAt).toBeUndefined();
    expect((await waves.app.jobs.get(first!._id))?.cancelRequested).toBe(true);
    expect(await waves.services.lifecycle.startScheduled(id, new Date(scheduleWave.config.notifyDate))).toEqual({
      started: false,
    });
    expect((await waveDoc(waves.app, id))?.status).toBe('SCHEDULED');
  });

  it('starts a wave at its notifyDate through its delayed job', async () => {
    const id = await draftWave(['u6']);
    await waves.gql(SCHEDULE, { id, notifyDate: new Date(Date.now() + 1500).toISOString() });
    const started = await until(
      () => waveDoc(waves.app, id),
      (wave) => wave?.status !== 'SCHEDULED',
    );
    expect(started).toMatchObject({ sendRuns: 1, startedAt: expect.any(Date) });
    expect(started!.status).not.toBe('DRAFT');
  });

  it('answers coded errors for unknown waves, wrong states and bad dates, and changes nothing', async () => {
    const id = await draftWave(['u1']);
    const before = await waveDoc(waves.app, id);
    expect(await errorOf(SCHEDULE, { id: 'nope' })).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await errorOf(mutation('pauseWave'), { id })).toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'WAVE_STATE', status: 'DRAFT' },
      message: expect.stringContaining('paused only when SENDING'),
    });
    expect(await errorOf(mutation('resumeWave'), { id })).toMatchObject({ extensions: { code: 'CONFLICT' } });
    const past = new Date(Date.now() - 1000).toISOString();
    expect(await errorOf(SCHEDULE, { id, notifyDate: past })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'notifyDate' },
    });
    expect(await errorOf(SCHEDULE, { id, notifyDate: soon(36 * 24 * 60) })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringContaining('35 days'),
    });
    expect(await waveDoc(waves.app, id)).toEqual(before);
    await waves.app.db.collection<WaveDoc>(WAVES).updateOne({ _id: id }, { $set: { status: 'SENT' } });
    expect(await errorOf(SCHEDULE, { id })).toMatchObject({ extensions: { code: 'CONFLICT', status: 'SENT' } });
    expect(await errorOf(mutation('cancelWave'), { id })).toMatchObject({ extensions: { code: 'CONFLICT' } });
    const empty = await uploadWave(
      waves,
      csv('userId,phone,market', 'u1,(212) 555-0999,mars'),
      waveConfig('tour', { messageTemplate: 'Hi' }),
    );
    expect(await errorOf(SCHEDULE, { id: empty.result.waveId })).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringContaining('no recipients'),
    });
  });

  it('starts a due wave exactly once, however many sweeps and start jobs run at once', async () => {
    const id = await draftWave(['u1']);
    await waves.gql(SCHEDULE, { id });
    const due = new Date(Date.now() - 1000);
    await waves.app.db.collection<WaveDoc>(WAVES).updateOne({ _id: id }, { $set: { 'config.notifyDate': due } });
    const { lifecycle } = waves.services;
    const outcomes = await Promise.all([
      lifecycle.sweep(),
      lifecycle.startScheduled(id, due),
      lifecycle.sweep(),
      lifecycle.startScheduled(id, due),
      lifecycle.sweep(),
    ]);
    expect(outcomes.reduce((sum, outcome) => sum + Number(outcome.started), 0)).toBe(1);
    expect(await waveDoc(waves.app, id)).toMatchObject({ status: expect.stringMatching(/SENDING|SENT/), sendRuns: 1 });
    expect(await jobs({ type: 'wave-trigger', 'params.waveId': id })).toHaveLength(1);
    await until(
      () => jobs({ idempotencyKey: `wave-send:${id}:1` }),
      (found) => found.length === 1,
    );
    expect(await lifecycle.sweep()).toEqual({ started: 0, retriggered: 0 });
  });

  it("assigns the rows' codes at the trigger through the code-assignment pipeline, once; refused codes are skipped", async () => {
    const id = await draftWave([
      'u1:NT-0001:NON_TM',
      'u2:TM-7777:TM',
      'u3:NT-9999',
      'u4:OT-0001',
      'u5:NT-0001',
      'stranger:NT-0002',
      'u6',
    ]);
    // started and paused at once: the trigger assigns the codes and leaves the sending to resume
    await waves.app.db
      .collection<WaveDoc>(WAVES)
      .updateOne({ _id: id }, { $set: { status: 'PAUSED', sendRuns: 1, startedAt: new Date('2026-06-01T10:00:00Z') } });
    const { lifecycle } = waves.services;
    expect(await lifecycle.trigger(id, 1, { lastAttempt: false })).toEqual({ sent: false });
    const entries = waves.app.db.collection<FanEntryDoc>(FAN_ENTRIES);
    const fan = (userId: string) => entries.findOne({ _id: `tour:${userId}` });
    expect(await fan('u1')).toMatchObject({
      code: 'NT-0001',
      codeKind: 'NON_TM',
      verdict: true,
      selectedEvents: ['nyc'],
    });
    expect(await fan('u2')).toMatchObject({ code: 'TM-7777', codeKind: 'TM', verdict: true });
    expect(await waves.app.db.collection<CodeDoc>(CODES).findOne({ _id: 'NT-0001' })).toMatchObject({
      state: 'ASSIGNED',
      entryId: 'tour:u1',
    });
    const messages = await messagesOf(waves.app, id);
    expect(
      messages.map((message) => [
        message.userId,
        message.status,
        message.reason?.split(':').slice(0, 2).join(':') ?? null,
      ]),
    ).toEqual([
      ['u1', 'PENDING', null],
      ['u2', 'PENDING', null],
      ['u3', 'SKIPPED', 'code refused: CODE_NOT_FOUND'],
      ['u4', 'SKIPPED', 'code refused: CODE_OF_OTHER_CAMPAIGN'],
      ['u5', 'SKIPPED', 'code refused: CODE_ALREADY_ASSIGNED'],
      ['stranger', 'SKIPPED', 'code refused: FAN_NOT_REGISTERED'],
      ['u6', 'PENDING', null],
    ]);
    expect(await waveDoc(waves.app, id)).toMatchObject({ codesAssigned: true, counts: { skipped: 4 } });
    // a retried trigger: the same records again change no entry and no code
    const entriesBefore = await entries.find({ campaignId: 'tour' }, { sort: { _id: 1 } }).toArray();
    await waves.app.db.collection<WaveDoc>(WAVES).updateOne({ _id: id }, { $set: { codesAssigned: false } });
    await lifecycle.trigger(id, 1, { lastAttempt: false });
    expect(await entries.find({ campaignId: 'tour' }, { sort: { _id: 1 } }).toArray()).toEqual(entriesBefore);
    expect(
      await waves.app.db.collection<CodeDoc>(CODES).countDocuments({ campaignId: 'tour', state: 'ASSIGNED' }),
    ).toBe(1);
    expect((await waveDoc(waves.app, id))?.counts.skipped).toBe(4);
    // resumed: the next run of the sender
    const { resumeWave } = await waves.gql(mutation('resumeWave'), { id });
    expect(resumeWave.status).toBe('SENDING');
    await until(
      () => jobs({ idempotencyKey: `wave-send:${id}:2` }),
      (found) => found.length === 1,
    );
  });

  it('sends now, pauses, resumes and cancels with one status write each; cancel gives reserved codes back', async () => {
    // six texts at one segment a second: still sending while the operator acts, however slow the machine
    const id = await draftWave(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    const { sendWaveNow } = await waves.gql(mutation('sendWaveNow'), { id });
    expect(sendWaveNow.status).toBe('SENDING');
    expect(new Date(sendWaveNow.config.notifyDate).getTime()).toBeLessThanOrEqual(Date.now());
    const { pauseWave } = await waves.gql(mutation('pauseWave'), { id });
    expect(pauseWave).toMatchObject({ status: 'PAUSED', statusReason: 'paused by an operator' });
    const { resumeWave } = await waves.gql(mutation('resumeWave'), { id });
    expect(resumeWave).toMatchObject({ status: 'SENDING', statusReason: null });
    expect((await waveDoc(waves.app, id))?.sendRuns).toBe(2);
    const held = await waves.server.servicesOf(fansFeature).codes.reserve('tour', id, 2);
    expect(held.held).toBe(2);
    const { cancelWave } = await waves.gql(mutation('cancelWave'), { id });
    expect(cancelWave).toMatchObject({ status: 'CANCELLED', statusReason: 'cancelled by an operator' });
    expect(await waves.app.db.collection<CodeDoc>(CODES).countDocuments({ waveId: id, state: 'RESERVED' })).toBe(0);
    expect(await errorOf(mutation('resumeWave'), { id })).toMatchObject({
      extensions: { code: 'CONFLICT', status: 'CANCELLED' },
    });
  });

  it('skips the PENDING messages of a wave cancelled while PAUSED at once', async () => {
    const id = await draftWave(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    await waves.gql(mutation('sendWaveNow'), { id });
    await waves.gql(mutation('pauseWave'), { id });
    await waves.gql(mutation('cancelWave'), { id });
    const statuses = (await messagesOf(waves.app, id)).map((message) => message.status);
    expect(statuses).not.toContain('PENDING');
    expect(statuses).toContain('SKIPPED');
  });
});
