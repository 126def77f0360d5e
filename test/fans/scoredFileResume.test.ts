import { Readable } from 'node:stream';
import type { ScoringRecord } from '../../src/services/fans/records';
import { applyInBatches, APPLY_BATCH } from '../../src/services/fans/scoring/applyScores';
import type { FanScores } from '../../src/services/fans/scoring/fanScores';
import { scrubbedRecords } from '../../src/services/fans/scoring/scrubbedRecords';

const header = 'campaignId\tuserId\temail\tphone\tscore\tverdict\treason';

function scrubbedFile(rows: number): string {
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const reason = i % 4 === 0 ? 'DUPLICATE' : i % 4 === 1 ? 'INVALID_PHONE' : '';
    lines.push(`c1\tu${i}\tU${i}@Example.com\t\t0.5\t${reason ? 'false' : ''}\t${reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Fake scores that record what they were given, failing once when asked to. */
function recordingScores(failOnCall?: number) {
  const applied: ScoringRecord[][] = [];
  let calls = 0;
  const scores = {
    async apply(records: ScoringRecord[]) {
      calls += 1;
      if (calls === failOnCall) throw new Error('store unavailable');
      applied.push(records);
      return records.length;
    },
  } as unknown as FanScores;
  return { scores, applied };
}

/** A retried scored-file job applies each row once: the checkpoint says where the last attempt stopped. */
describe('applying a scrubbed file, and resuming it', () => {
  it('turns the scored rows into records (kept, and dropped for e-mail or phone), skipping the rest', async () => {
    const records = [];
    for await (const item of scrubbedRecords(Readable.from([scrubbedFile(4)]), {
      maxLineChars: 1000,
      afterLine: 0,
      scoredAt: 42,
    })) {
      records.push(item);
    }
    expect(records).toEqual([
      {
        position: 3,
        record: {
          type: 'scoring',
          campaignId: 'c1',
          userId: 'u1',
          email: 'u1@example.com',
          score: 0.5,
          verdict: false,
          reason: 'INVALID_PHONE',
          source: 'SCORED_FILE',
          scoredAt: 42,
        },
      },
      { position: 4, record: expect.objectContaining({ userId: 'u2', verdict: null, reason: null }) },
      { position: 5, record: expect.objectContaining({ userId: 'u3', verdict: null, reason: null }) },
    ]);
  });

  it('checkpoints after each batch and resumes after the last checkpoint', async () => {
    const rows = APPLY_BATCH * 3;
    const file = scrubbedFile(rows);
    const checkpoints: number[] = [];
    const failing = recordingScores(2);
    const read = (afterLine: number) =>
      scrubbedRecords(Readable.from([file]), { maxLineChars: 1000, afterLine, scoredAt: 1 });
    await expect(
      applyInBatches(read(0), failing.scores, async (line) => {
        checkpoints.push(line);
      }),
    ).rejects.toThrow('store unavailable');
    expect(checkpoints).toHaveLength(1);

    const retry = recordingScores();
    const progress = await applyInBatches(read(checkpoints[0]!), retry.scores, async (line) => {
      checkpoints.push(line);
    });
    const userIds = [...failing.applied, ...retry.applied].flat().map((record) => record.userId);
    // every scored row (three in four) applied once, across both attempts
    expect(userIds).toHaveLength((rows * 3) / 4);
    expect(new Set(userIds).size).toBe(userIds.length);
    expect(progress.records).toBe((rows * 3) / 4 - APPLY_BATCH);
    expect(checkpoints.at(-1)).toBe(rows + 1);
  });
});
