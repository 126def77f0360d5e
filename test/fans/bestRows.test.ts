import { BestRows, RowSet } from '../../src/services/fans/scoring/bestRows';

/** The rows of `rows` that are best, as a list. */
function bestOf(best: BestRows, rows: number[]): number[] {
  const set = best.bestRows();
  return rows.filter((row) => set.has(row));
}

describe('best rows of a file', () => {
  it('keeps the highest score of each fan, the earlier row on a tie', () => {
    const best = new BestRows();
    best.offer('c1', 'u1', 2, 0.5);
    best.offer('c1', 'u2', 3, 0.9);
    best.offer('c1', 'u1', 4, 0.7);
    best.offer('c1', 'u2', 5, 0.9);
    best.offer('c1', 'u1', 6, 0.1);
    expect(bestOf(best, [2, 3, 4, 5, 6])).toEqual([3, 4]);
    expect(best.fans).toBe(2);
  });

  it('tells fans of different scopes apart and lists the scopes in the order seen', () => {
    const best = new BestRows();
    best.offer('c2', 'u1', 2, 0.5);
    best.offer('c1', 'u1', 3, 0.4);
    best.offer('c2', 'u1', 4, 0.3);
    // the scope and the id do not run together: ('c1', '2u') is not ('c12', 'u')
    best.offer('c1', '2u', 5, 0.1);
    best.offer('c12', 'u', 6, 0.1);
    expect(bestOf(best, [2, 3, 4, 5, 6])).toEqual([2, 3, 5, 6]);
    expect([...best.scopesSeen]).toEqual(['c2', 'c1', 'c12']);
  });

  it.each([
    ['e', 'é'],
    ['é', 'è'],
    ['\u0800', '\u0801'],
    ['\ud800', '\udbff'],
    ['\ud83d\ude00', '\ud83d\ude01'],
    ['ab', 'ab\u0000'],
  ])('keeps the ids %j and %j apart', (first, second) => {
    const best = new BestRows();
    best.offer('c', first, 2, 0.5);
    best.offer('c', second, 3, 0.1);
    best.offer('c', first, 4, 0.4);
    best.offer('c', second, 5, 0.2);
    expect(bestOf(best, [2, 3, 4, 5])).toEqual([2, 5]);
  });

  it('agrees with a map of every fan over many fans, scopes and long ids', () => {
    const best = new BestRows();
    const expected = new Map<string, { row: number; score: number }>();
    let seed = 7;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const rows = 60_000;
    for (let row = 2; row < rows + 2; row++) {
      const scope = `c${Math.floor(random() * 3)}`;
      const fan = Math.floor(random() * 20_000);
      const id = fan % 97 === 0 ? `long-${'x'.repeat(fan % 300)}-${fan}` : `u${fan}`;
      const score = Math.round(random() * 50) / 50;
      best.offer(scope, id, row, score);
      const key = `${scope}\t${id}`;
      const held = expected.get(key);
      if (!held || score > held.score) expected.set(key, { row, score });
    }
    const set = best.bestRows();
    const answered: number[] = [];
    for (let row = 0; row < rows + 10; row++) if (set.has(row)) answered.push(row);
    expect(answered).toEqual([...expected.values()].map(({ row }) => row).sort((x, y) => x - y));
    expect(best.fans).toBe(expected.size);
  });
});

describe('row set', () => {
  it('answers rows added, and no row past the last', () => {
    const rows = new RowSet(100);
    for (const row of [0, 31, 32, 63, 64, 100]) rows.add(row);
    expect([0, 1, 31, 32, 33, 63, 64, 99, 100, 101, 1_000_000].map((row) => rows.has(row))).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      false,
    ]);
  });
});
