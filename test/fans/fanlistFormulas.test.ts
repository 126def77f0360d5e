import { parseRank, RANK_FORMULAS } from '../../src/services/fans/scoring/rankFormulas';

describe('fanlist rank formulas', () => {
  it.each([
    ['LINEAR', 1, 5, 1],
    ['LINEAR', 2, 5, 0.75],
    ['LINEAR', 5, 5, 0],
    ['LINEAR', 1, 1, 1],
    ['LOG', 1, 1000, 1],
    ['LOG', 10, 1000, 2 / 3],
    ['LOG', 1000, 1000, 0],
    ['LOG', 1, 1, 1],
  ] as const)('%s: rank %i of %i scores %d', (type, rank, maxRank, score) => {
    expect(RANK_FORMULAS[type].score(rank, maxRank)).toBeCloseTo(score, 12);
  });

  it('keeps every score in [0, 1], falling as the rank grows, equal for equal ranks', () => {
    for (const type of ['LINEAR', 'LOG'] as const) {
      let previous = Infinity;
      for (let rank = 1; rank <= 200; rank++) {
        const score = RANK_FORMULAS[type].score(rank, 200);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(score).toBeLessThan(previous);
        expect(RANK_FORMULAS[type].score(rank, 200)).toBe(score);
        previous = score;
      }
    }
  });

  it.each([
    ['1', 1],
    [' 42 ', 42],
    ['007', 7],
    ['0', null],
    ['-3', null],
    ['1.5', null],
    ['1e3', null],
    ['', null],
    ['abc', null],
    ['9999999999999999', null],
  ])('reads the rank %j as %p', (cell, rank) => {
    expect(parseRank(cell)).toBe(rank);
  });
});
