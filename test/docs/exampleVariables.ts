/**
 * Fills in the placeholders docs/api.md documents for example variables: `$TODAY`, `$TODAY-N`
 * and `$TODAY+N`, alone or inside a string, become that UTC date (YYYY-MM-DD); a string that is
 * `$previous.<path>` becomes the value at that dot-separated path (numbers index lists) in the
 * data of the block just above.
 */
export function fillPlaceholders(value: unknown, previous: unknown, today: Date): unknown {
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, previous, today));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item, previous, today)]);
    return Object.fromEntries(entries);
  }
  if (typeof value !== 'string') return value;
  if (value.startsWith('$previous.')) return valueAt(previous, value.slice('$previous.'.length), value);
  return value.replace(/\$TODAY(?:([+-])(\d+))?/g, (_token, sign?: string, days?: string) => {
    const offset = sign ? Number(`${sign}${days}`) : 0;
    const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset));
    return date.toISOString().slice(0, 10);
  });
}

function valueAt(data: unknown, path: string, placeholder: string): unknown {
  let current = data;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') break;
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) {
    throw new Error(`${placeholder}: the previous example's answer has nothing there`);
  }
  return current;
}
