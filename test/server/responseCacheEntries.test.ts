import { parse } from 'graphql';
import { Registry } from 'prom-client';
import type { ChangeClock } from '../../src/datasources/store';
import { cachedDocuments } from '../../src/server/execution/cachedDocuments';
import { ResponseCache } from '../../src/server/execution/responseCache';

const jobsPage = cachedDocuments.find((cached) => cached.name === 'JobsPage')!;

function setUp(options: { maxBytes?: number } = {}) {
  const positions = new Map<string, number | undefined>(jobsPage.collections.map((name) => [name, 1]));
  const clock: ChangeClock = { position: (name) => positions.get(name), close: async () => {} };
  const cache = new ResponseCache({
    documents: cachedDocuments,
    clock,
    maxEntries: 10,
    maxBytes: options.maxBytes ?? 1_000_000,
    registry: new Registry(),
  });
  const document = parse(jobsPage.text);
  const lookup = (variables: Record<string, unknown> = { first: 5 }, role = 'VIEWER') =>
    cache.lookup(document, 'JobsPage', variables, role);
  const move = (name: string) => positions.set(name, (positions.get(name) ?? 0) + 1);
  return { cache, lookup, move, positions };
}

const answer = { running: { totalCount: 1 } };

describe('ResponseCache', () => {
  it("writes a kept answer's body from the JSON it kept, byte for byte what Apollo writes", () => {
    const { cache, lookup } = setUp();
    const first = lookup();
    if (!first || !('pending' in first)) throw new Error('expected a miss');
    const data = { running: { totalCount: 1, edges: [{ node: { id: 'j1', progress: null } }] } };
    cache.settle(first.pending, data);
    const hit = lookup();
    if (!hit || !('data' in hit)) throw new Error('expected a hit');
    const apollo = (result: object) => `${JSON.stringify(result)}\n`;
    expect(cache.stringify({ data: hit.data })).toBe(apollo({ data }));
    const computed = { data: { running: { totalCount: 2 } } };
    expect(cache.stringify(computed)).toBe(apollo(computed));
    const withErrors = { errors: [{ message: 'no' }], data: hit.data };
    expect(cache.stringify(withErrors)).toBe(apollo(withErrors));
  });

  it('keeps an answer that moves with the clock no longer than its document allows', () => {
    const leadsPage = cachedDocuments.find((cached) => cached.name === 'LeadsPage')!;
    expect(leadsPage.maxAgeMs).toBeGreaterThan(0);
    const clock: ChangeClock = { position: () => 1, close: async () => {} };
    const cache = new ResponseCache({
      documents: cachedDocuments,
      clock,
      maxEntries: 10,
      maxBytes: 1_000_000,
      registry: new Registry(),
    });
    const document = parse(leadsPage.text);
    const lookup = () => cache.lookup(document, 'LeadsPage', {}, 'VIEWER');
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      const first = lookup();
      if (!first || !('pending' in first)) throw new Error('expected a miss');
      cache.settle(first.pending, { leadQueue: { backlog: 3 } });
      now.mockReturnValue(1_000_000 + leadsPage.maxAgeMs!);
      expect(lookup()).toEqual({ data: { leadQueue: { backlog: 3 } } });
      now.mockReturnValue(1_000_001 + leadsPage.maxAgeMs!);
      expect(lookup()).toHaveProperty('pending');
    } finally {
      now.mockRestore();
    }
  });

  it('keeps an answer per role and variables until a collection it read moves', () => {
    const { cache, lookup, move } = setUp();
    const first = lookup();
    if (!first || !('pending' in first)) throw new Error('expected a miss');
    cache.settle(first.pending, answer);
    expect(lookup()).toEqual({ data: answer });
    expect(lookup({ first: 5 }, 'OPERATOR')).toHaveProperty('pending');
    expect(lookup({ first: 6 })).toHaveProperty('pending');
    move(jobsPage.collections[0]!);
    expect(lookup()).toHaveProperty('pending');
  });

  it('lets concurrent requests wait for the answer being computed at the same positions', async () => {
    const { cache, lookup, move } = setUp();
    const first = lookup();
    if (!first || !('pending' in first)) throw new Error('expected a miss');
    const waiting = lookup();
    if (!waiting || !('computing' in waiting)) throw new Error('expected to wait');
    cache.settle(first.pending, answer);
    expect(await waiting.computing).toEqual(answer);

    move(jobsPage.collections[0]!);
    const failing = lookup();
    if (!failing || !('pending' in failing)) throw new Error('expected a miss');
    const alsoWaiting = lookup();
    if (!alsoWaiting || !('computing' in alsoWaiting)) throw new Error('expected to wait');
    cache.settle(failing.pending, null);
    expect(await alsoWaiting.computing).toBeNull();
    expect(lookup()).toHaveProperty('pending');
  });

  it('does not keep an answer whose collections moved while it was computed', () => {
    const { cache, lookup, move } = setUp();
    const first = lookup();
    if (!first || !('pending' in first)) throw new Error('expected a miss');
    move(jobsPage.collections[0]!);
    cache.settle(first.pending, answer);
    expect(lookup()).toHaveProperty('pending');
  });

  it('serves nothing while a collection cannot be followed, and nothing for other documents', () => {
    const { lookup, positions, cache } = setUp();
    positions.set(jobsPage.collections[0]!, undefined);
    expect(lookup()).toBeNull();
    expect(cache.lookup(parse('query JobsPage { me { keyId } }'), 'JobsPage', {}, 'VIEWER')).toBeNull();
  });

  it('keeps no answer larger than its byte budget', () => {
    const { cache, lookup } = setUp({ maxBytes: 64 });
    const first = lookup();
    if (!first || !('pending' in first)) throw new Error('expected a miss');
    cache.settle(first.pending, { running: { note: 'x'.repeat(100) } });
    expect(lookup()).toHaveProperty('pending');
  });
});
