import { parse, print, type DocumentNode } from 'graphql';

/**
 * A document's definitions, each printed in graphql's canonical form, sorted: two texts that
 * differ only in whitespace, comments, commas or the order of their operations and fragments
 * give the same key.
 */
export function documentKey(document: DocumentNode): string {
  return document.definitions
    .map((definition) => print(definition))
    .sort()
    .join('\n');
}

export const documentKeyOfText = (text: string): string => documentKey(parse(text));

/** JSON with every object's keys sorted, so `{a, b}` and `{b, a}` give one cache key. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
