import { verdictMessages, type VerdictV1, type VerdictsMessageV1 } from '../../src/services/fans/codes/verdicts';

const verdict = (userId: string, events: number): VerdictV1 => ({
  userId,
  email: `${userId}@example.com`,
  code: `CODE-${userId}`,
  codeKind: 'NON_TM',
  selectedEvents: Array.from({ length: events }, (_, index) => `event-${String(index).padStart(180, '0')}`),
  assignedAt: '2026-04-01T10:00:00.000Z',
  waveId: null,
  refresh: false,
});

describe('verdicts messages (version 1)', () => {
  it('makes one message per campaign of a batch', () => {
    const bodies = verdictMessages([
      { campaignId: 'a', verdict: verdict('u1', 1) },
      { campaignId: 'b', verdict: verdict('u2', 1) },
      { campaignId: 'a', verdict: verdict('u3', 1) },
    ]);
    const messages = bodies.map((body) => JSON.parse(body) as VerdictsMessageV1);
    expect(
      messages.map((message) => [message.version, message.campaignId, message.verdicts.map((v) => v.userId)]),
    ).toEqual([
      [1, 'a', ['u1', 'u3']],
      [1, 'b', ['u2']],
    ]);
  });

  it('splits a batch whose message would pass the queue size limit, keeping every verdict once and in order', () => {
    const verdicts = Array.from({ length: 300 }, (_, index) => ({
      campaignId: 'big',
      verdict: verdict(`u${index}`, 10),
    }));
    const bodies = verdictMessages(verdicts);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(200 * 1024);
    const users = bodies.flatMap((body) => (JSON.parse(body) as VerdictsMessageV1).verdicts.map((v) => v.userId));
    expect(users).toEqual(verdicts.map(({ verdict: v }) => v.userId));
  });
});
