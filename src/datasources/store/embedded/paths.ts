/** The values a dotted path reaches in a document, expanding arrays as MongoDB's multikey indexes do. */
export function valuesAtPath(document: unknown, path: string): { values: unknown[]; viaArray: boolean } {
  const values: unknown[] = [];
  let viaArray = false;
  const walk = (value: unknown, segments: string[], depth: number): void => {
    if (depth === segments.length) {
      if (Array.isArray(value)) {
        viaArray = true;
        if (value.length === 0) values.push(undefined);
        for (const element of value) values.push(element);
      } else {
        values.push(value);
      }
      return;
    }
    const segment = segments[depth]!;
    if (Array.isArray(value)) {
      viaArray = true;
      if (/^\d+$/.test(segment) && Number(segment) < value.length) {
        walk(value[Number(segment)], segments, depth + 1);
        return;
      }
      for (const element of value) {
        if (element !== null && typeof element === 'object' && !Array.isArray(element)) {
          walk(element, segments, depth);
        }
      }
      return;
    }
    if (value !== null && typeof value === 'object' && !isBsonValue(value)) {
      walk((value as Record<string, unknown>)[segment], segments, depth + 1);
      return;
    }
    values.push(undefined);
  };
  walk(document, path.split('.'), 0);
  if (values.length === 0) values.push(undefined);
  return { values, viaArray };
}

function isBsonValue(value: object): boolean {
  return value instanceof Date || '_bsontype' in value || Buffer.isBuffer(value);
}
