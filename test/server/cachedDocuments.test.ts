import { cachedDocuments } from '../../src/server/execution/cachedDocuments';
import { documentKeyOfText, stableJson } from '../../src/server/execution/documentKey';
import * as dashboard from '../../web/src/generated/graphql';

describe('the response cache allowlist', () => {
  it.each(cachedDocuments.map((cached) => [cached.name, cached] as const))(
    '%s is the document the dashboard sends',
    (name, cached) => {
      const sent = (dashboard as Record<string, unknown>)[`${name}Document`];
      expect(sent).toBeDefined();
      expect(documentKeyOfText(cached.text)).toBe(documentKeyOfText(String(sent)));
      expect(cached.collections.length).toBeGreaterThan(0);
    },
  );

  it('keys variables whatever the order of their fields', () => {
    expect(stableJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      stableJson({ a: { c: null, d: [2, { e: 0, f: 1 }] }, b: 1 }),
    );
    expect(stableJson({ a: [1, 2] })).not.toBe(stableJson({ a: [2, 1] }));
  });
});
