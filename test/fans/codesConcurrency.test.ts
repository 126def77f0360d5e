import { startTestServer, type TestServer } from '../support/server';
import {
  assignment,
  assignmentService,
  codeDocs,
  codesOf,
  entryDocs,
  storeCampaign,
  storeEntries,
  storePool,
} from './codesSupport';

const FANS = 120;

/** Deterministic shuffle (a linear congruential generator), so a failure replays. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/**
 * Four handlers at once over overlapping records, as four queue workers would run them: the
 * same fans asking for the next free code, and the same given codes asked for by different fans.
 */
describe('code assignment by concurrent workers', () => {
  let server: TestServer;
  const db = () => server.app.db;

  beforeAll(async () => {
    server = await startTestServer({ FAN_LAKE_FLUSH_SECONDS: '3600' });
  });
  afterAll(() => server.stop());

  it('never assigns a code twice, never gives a fan two codes, and accepts every repeat', async () => {
    await storeCampaign(db(), 'race');
    const fans = Array.from({ length: FANS }, (_, index) => `f${index}`);
    await storeEntries(db(), 'race', fans);
    await storePool(db(), 'race', 'free', codesOf('FREE', FANS * 2));
    await storePool(db(), 'race', 'given', codesOf('GIVEN', 20));
    // fans f0..f79 ask for the next free code; the 20 given codes are each asked for by two fans
    // (f80..f99 and f100..f119), and each worker sees the records in its own order
    const records = [
      ...fans.slice(0, 80).map((userId) => assignment('race', userId)),
      ...codesOf('GIVEN', 20).flatMap((code, index) => [
        assignment('race', `f${80 + index}`, { code }),
        assignment('race', `f${100 + index}`, { code }),
      ]),
    ];
    const handler = assignmentService(server);
    const orders = [1, 2, 3, 4].map((seed) => shuffled(records, seed));
    const outcomes = await Promise.all(orders.map((order) => handler.handle(order)));

    const entries = await entryDocs(db()).find({ campaignId: 'race' }).toArray();
    const assigned = await codeDocs(db()).find({ campaignId: 'race', state: 'ASSIGNED' }).toArray();
    const heldCodes = entries.map((entry) => entry.code).filter((code): code is string => code !== null);
    expect(new Set(heldCodes).size).toBe(heldCodes.length);
    // no code taken and then lost: every assigned code is the code of the fan it names
    const codeOfEntry = new Map(entries.map((entry) => [entry._id, entry.code]));
    for (const code of assigned) expect(codeOfEntry.get(code.entryId!)).toBe(code._id);
    expect(assigned).toHaveLength(heldCodes.length);
    expect(heldCodes).toHaveLength(100);

    // the next-free requests: each fan one code, every delivery accepted
    for (const userId of fans.slice(0, 80)) expect(codeOfEntry.get(`race:${userId}`)).toMatch(/^FREE/);
    for (const [run, order] of orders.entries()) {
      const outcomeOf = (userId: string, code: string | null) =>
        outcomes[run]![order.findIndex((record) => record.userId === userId && record.code === code)]!;
      for (const userId of fans.slice(0, 80)) expect(outcomeOf(userId, null)).toEqual({ accepted: true });
      // the given codes: one of the two fans has it, and that fan's record is accepted in every run
      codesOf('GIVEN', 20).forEach((code, index) => {
        const [first, second] = [`f${80 + index}`, `f${100 + index}`];
        const winner = codeOfEntry.get(`race:${first}`) === code ? first : second;
        const loser = winner === first ? second : first;
        expect(codeOfEntry.get(`race:${winner}`)).toBe(code);
        expect(codeOfEntry.get(`race:${loser}`)).toBeNull();
        expect(outcomeOf(winner, code)).toEqual({ accepted: true });
        expect(outcomeOf(loser, code)).toMatchObject({
          accepted: false,
          reason: expect.stringMatching(/^CODE_ALREADY_ASSIGNED/),
        });
      });
    }
  });
});
