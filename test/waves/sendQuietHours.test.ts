import { expectedFinishAt } from '../../src/services/waves/send/expectedFinish';
import { isQuiet, nextQuietAt, nextSendableAt, parseQuietHours } from '../../src/services/waves/send/quietHours';
import { SMS_OUTBOX_COLLECTION } from '../../src/datasources/sms';
import { enqueueSend, messagesOf, startSendServer, storeWave, waitFor, waveOf } from './sendSupport';

const quiet = parseQuietHours({ on: true, start: '21:00', end: '08:00' });
const at = (iso: string) => new Date(iso);

describe('quiet hours on a fixed clock', () => {
  it.each([
    // instant, zone, quiet?, next sendable
    ['2026-07-01T15:00:00Z', 'Europe/Paris', false, '2026-07-01T15:00:00.000Z'], // 17:00 CEST
    ['2026-07-01T19:30:00Z', 'Europe/Paris', true, '2026-07-02T06:00:00.000Z'], // 21:30 CEST
    ['2026-07-01T05:59:00Z', 'Europe/Paris', true, '2026-07-01T06:00:00.000Z'], // 07:59 CEST
    ['2026-07-01T23:30:00Z', 'Asia/Kolkata', true, '2026-07-02T02:30:00.000Z'], // 05:00 IST
    ['2026-03-08T06:30:00Z', 'America/New_York', true, '2026-03-08T12:00:00.000Z'], // 01:30 EST, 08:00 is EDT
    ['2026-11-01T12:30:00Z', 'America/New_York', true, '2026-11-01T13:00:00.000Z'], // 07:30 EST, the day DST ends
  ])('%s in %s', (instant, zone, isQuietThen, sendable) => {
    expect(isQuiet(at(instant), zone, quiet)).toBe(isQuietThen);
    expect(nextSendableAt(at(instant), zone, quiet).toISOString()).toBe(sendable);
  });

  it('tells when an open window closes, and nothing without quiet hours', () => {
    expect(nextQuietAt(at('2026-07-01T15:00:00Z'), 'Europe/Paris', quiet)?.toISOString()).toBe(
      '2026-07-01T19:00:00.000Z',
    );
    const off = parseQuietHours({ on: false, start: '21:00', end: '08:00' });
    expect(isQuiet(at('2026-07-01T23:00:00Z'), 'UTC', off)).toBe(false);
    expect(nextQuietAt(at('2026-07-01T23:00:00Z'), 'UTC', off)).toBeNull();
    const daytime = parseQuietHours({ on: true, start: '12:00', end: '14:00' });
    expect(isQuiet(at('2026-07-01T13:00:00Z'), 'UTC', daytime)).toBe(true);
    expect(isQuiet(at('2026-07-01T15:00:00Z'), 'UTC', daytime)).toBe(false);
  });

  it('expects a wave to finish after the quiet hours of the zones it waits for', () => {
    const now = at('2026-07-01T18:00:00Z'); // Paris 20:00 (open one more hour), New York 14:00
    // Paris: 3,600 s of texts at 1/s, only 3,600 s of window left -> done at its closing
    expect(expectedFinishAt(now, [{ timeZone: 'Europe/Paris', segments: 3600 }], 1, quiet).toISOString()).toBe(
      '2026-07-01T19:00:00.000Z',
    );
    // one more segment waits for Paris' morning: 08:00 CEST = 06:00Z, plus 1 s
    expect(expectedFinishAt(now, [{ timeZone: 'Europe/Paris', segments: 3601 }], 1, quiet).toISOString()).toBe(
      '2026-07-02T06:00:01.000Z',
    );
    // two open zones share the rate
    const shared = expectedFinishAt(
      now,
      [
        { timeZone: 'Europe/Paris', segments: 100 },
        { timeZone: 'America/New_York', segments: 100 },
      ],
      10,
      quiet,
    );
    expect(shared.toISOString()).toBe('2026-07-01T18:00:20.000Z');
    // a zone in its quiet hours is waited for
    const tokyo = expectedFinishAt(now, [{ timeZone: 'Asia/Tokyo', segments: 60 }], 1, quiet); // 03:00 JST
    expect(tokyo.toISOString()).toBe('2026-07-01T23:01:00.000Z');
  });
});

describe('a wave across time zones, one of them in its quiet hours', () => {
  const pad = (value: number) => String(value).padStart(2, '0');
  const hhmm = (date: Date) => `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;

  it('texts the open zone now and leaves the quiet one PENDING, with a later run and finish for it', async () => {
    const now = Date.now();
    // quiet from 2 h ago to 2 h ahead in UTC: quiet now in UTC, open in Shanghai (UTC+8, no DST)
    const start = hhmm(new Date(now - 2 * 3_600_000));
    const end = hhmm(new Date(now + 2 * 3_600_000));
    const send = await startSendServer({
      WAVE_QUIET_HOURS: 'on',
      WAVE_QUIET_HOURS_START: start,
      WAVE_QUIET_HOURS_END: end,
    });
    try {
      const wave = await storeWave(send.app.db, {
        recipients: 6,
        config: { validitySeconds: 36_000 },
        message: (row) => ({ timeZone: row <= 3 ? 'Asia/Shanghai' : 'UTC' }),
      });
      const job = await enqueueSend(send.app, wave._id);
      const run = await waitFor(async () => {
        const current = await send.app.jobs.get(job._id);
        return current?.status === 'SUCCEEDED' ? current : null;
      });
      // the run ends and hands over to one at the end of the quiet hours
      expect(run.result).toMatchObject({ outcome: 'CONTINUES' });
      const resumeAt = new Date((run.result as { at: string }).at).getTime();
      expect(resumeAt).toBeGreaterThan(now + 3_600_000);
      const messages = await messagesOf(send.app.db, wave._id);
      expect(messages.map((message) => message.sentAt !== null)).toEqual([true, true, true, false, false, false]);
      expect(messages.slice(3).every((message) => message.status === 'PENDING')).toBe(true);
      expect(await send.app.db.collection(SMS_OUTBOX_COLLECTION).countDocuments({ 'metadata.waveId': wave._id })).toBe(
        3,
      );
      const current = await waveOf(send.app.db, wave._id);
      expect(current.status).toBe('SENDING');
      expect(current.expectedFinishAt!.getTime()).toBeGreaterThanOrEqual(resumeAt);
      const next = await send.app.db
        .collection<{ type: string; idempotencyKey: string; runAt?: Date }>('jobs')
        .findOne({ idempotencyKey: `wave-send:${wave._id}:after:${job._id}` });
      expect(next?.runAt?.getTime()).toBeGreaterThanOrEqual(resumeAt - 1000);
    } finally {
      await send.stop();
    }
  });
});
