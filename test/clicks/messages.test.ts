import { clickBatchMessage, encodeBatches } from '../../src/services/clicks/messages';

const rows = (count: number, url = 'https://example.com/a') =>
  Array.from({ length: count }, (_, i) => ({ key: `k${i}`, values: { EventID: `e${i}`, URL: url, Empty: null } }));

describe('encodeBatches', () => {
  it('splits a page by row count, every body a valid click batch with the rows in order', () => {
    const bodies = encodeBatches('NA', rows(7), 3);
    expect(bodies).toHaveLength(3);
    const decoded = bodies.map((body) => clickBatchMessage.parse(JSON.parse(body)));
    expect(decoded.map((b) => b.rows.length)).toEqual([3, 3, 1]);
    expect(decoded.every((b) => b.bu === 'NA')).toBe(true);
    expect(decoded.flatMap((b) => b.rows)).toEqual(rows(7));
  });

  it('keeps every body under the byte limit, multi-byte characters counted as bytes', () => {
    const long = `https://example.com/${'é'.repeat(900)}`;
    const bodies = encodeBatches('Nörd', rows(50, long), 1000, 20_000);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(20_000);
    expect(bodies.flatMap((body) => clickBatchMessage.parse(JSON.parse(body)).rows)).toHaveLength(50);
  });

  it('makes no message for an empty page', () => {
    expect(encodeBatches('NA', [], 10)).toEqual([]);
  });
});
