import type { Document } from './bson';
import { badValue, notSupported, serverError } from './errors';
import { compareValues, TAG, typeTag } from './keyCodec';
import { valuesAtPath } from './paths';
import { isPlainObject, type SortPairs } from './values';
import { COLLATION_FIELDS } from '../optionSupport';

/**
 * Collations: strings compared by a language's rules (ICU, through `Intl.Collator`, which is
 * what MongoDB uses too) at strength 1 (base letters), 2 (and accents) or 3 (and case, the
 * default). What `Intl.Collator` does not offer with MongoDB's meaning is refused.
 */
export interface Collation {
  /** `en-US/2`: one Collation object per distinct collation. */
  readonly key: string;
  readonly strength: 1 | 2 | 3;
  /** For mingo's own `$sort` comparator (it takes a BCP 47 locale). */
  readonly spec: { readonly locale: string; readonly strength: 1 | 2 | 3 };
  readonly compareStrings: (a: string, b: string) => number;
}

/** The locales MongoDB lists (its ICU locale ids); `Intl.Collator` knows each of them. */
const MONGODB_LOCALES = new Set(
  `
    af sq am ar hy as az bn be bs bs_Cyrl bg my ca chr zh zh_Hant hr cs da nl dz en en_US en_US_POSIX eo
    et ee fo fil fi fr fr_CA gl ka de de_AT el gu ha haw he hi hu is ig smn id ga it ja kl kn kk km kok
    ko ky lkt lo lv ln lt dsb lb mk ms ml mt mr mn ne se nb nn or om ps fa fa_AF pl pt pa ro ru sr
    sr_Latn si sk sl es sw sv ta te th bo to tr uk hsb ur ug vi wae cy yi yo zu
  `
    .trim()
    .split(/\s+/),
);

const SENSITIVITY = { 1: 'base', 2: 'accent', 3: 'variant' } as const;

const collations = new Map<string, Collation>();

function checkFields(spec: Document): void {
  for (const field of Object.keys(spec)) {
    if (spec[field] === undefined) continue;
    const rule = (COLLATION_FIELDS as Record<string, { support: string } | undefined>)[field];
    if (!rule) throw serverError(40415, 'Location40415', `BSON field 'collation.${field}' is an unknown field.`);
    if (rule.support === 'refused') throw notSupported(`the collation field '${field}'`);
  }
}

function strengthOf(value: unknown): 1 | 2 | 3 {
  if (value === undefined) return 3;
  if (value === 1 || value === 2 || value === 3) return value;
  if (value === 4 || value === 5) throw notSupported(`collation strength ${value}`);
  throw badValue(
    `unable to parse collation :: caused by :: Field 'strength' must be an integer 1 through 5. Got: ${String(value)}`,
  );
}

/**
 * The collation of an operation's `collation` option: undefined for none (or `simple`, binary
 * order), a Collation for a locale, an error for what is invalid or not implemented.
 */
export function parseCollation(spec: unknown): Collation | undefined {
  if (spec === undefined) return undefined;
  if (!isPlainObject(spec)) {
    throw serverError(
      14,
      'TypeMismatch',
      `BSON field 'collation' is the wrong type '${typeof spec}', expected type 'object'`,
    );
  }
  checkFields(spec);
  const { locale } = spec;
  if (typeof locale !== 'string')
    throw serverError(40414, 'Location40414', "BSON field 'collation.locale' is missing but a required field");
  const strength = strengthOf(spec.strength);
  if (locale === 'simple') {
    if (spec.strength !== undefined) throw badValue("Collation for locale 'simple' takes no other field");
    return undefined;
  }
  if (locale.includes('@')) throw notSupported(`the collation locale variant '${locale}'`);
  if (!MONGODB_LOCALES.has(locale)) throw badValue(`Field 'locale' is invalid in: { locale: "${locale}" }`);
  const bcp47 = locale === 'en_US_POSIX' ? 'en-US-u-va-posix' : locale.replace(/_/g, '-');
  const key = `${bcp47}/${strength}`;
  let collation = collations.get(key);
  if (!collation) {
    const collator = new Intl.Collator(bcp47, {
      sensitivity: SENSITIVITY[strength],
      usage: 'sort',
      ignorePunctuation: false,
      numeric: false,
      caseFirst: 'false',
    });
    collation = { key, strength, spec: { locale: bcp47, strength }, compareStrings: collator.compare };
    collations.set(key, collation);
  }
  return collation;
}

/**
 * MongoDB's BSON order with strings compared by the collation, also inside sub-documents and
 * arrays: types first, then values (documents field by field: type, name, value).
 */
export function compareCollated(a: unknown, b: unknown, collation: Collation): number {
  if (typeof a === 'string' && typeof b === 'string') return collation.compareStrings(a, b);
  const tagA = typeTag(a);
  const tagB = typeTag(b);
  if (tagA !== tagB) return tagA - tagB;
  if (tagA === TAG.array) return compareArrays(a as unknown[], b as unknown[], collation);
  if (tagA === TAG.object && isPlainObject(a) && isPlainObject(b)) return compareDocuments(a, b, collation);
  return compareValues(a, b);
}

function compareArrays(a: unknown[], b: unknown[], collation: Collation): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareCollated(a[i], b[i], collation);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareDocuments(a: Document, b: Document, collation: Collation): number {
  const left = Object.entries(a).filter(([, value]) => value !== undefined);
  const right = Object.entries(b).filter(([, value]) => value !== undefined);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const [nameA, valueA] = left[i]!;
    const [nameB, valueB] = right[i]!;
    const byType = typeTag(valueA) - typeTag(valueB);
    if (byType !== 0) return byType;
    if (nameA !== nameB) return nameA < nameB ? -1 : 1;
    const byValue = compareCollated(valueA, valueB, collation);
    if (byValue !== 0) return byValue;
  }
  return left.length - right.length;
}

/**
 * Orders documents by a sort under a collation, as MongoDB sorts: per field the lowest
 * (ascending) or highest (descending) value its path reaches, a missing field as null.
 */
export function sortCollated<T>(
  items: T[],
  sort: SortPairs,
  collation: Collation,
  documentOf: (item: T) => Document,
): T[] {
  const keyed = items.map((item) => ({
    item,
    keys: sort.map(([field, direction]) => extreme(documentOf(item), field, direction, collation)),
  }));
  keyed.sort((x, y) => {
    for (let i = 0; i < sort.length; i++) {
      const order = compareCollated(x.keys[i], y.keys[i], collation) * sort[i]![1];
      if (order !== 0) return order;
    }
    return 0;
  });
  return keyed.map(({ item }) => item);
}

function extreme(document: Document, field: string, direction: 1 | -1, collation: Collation): unknown {
  const { values } = valuesAtPath(document, field);
  let best: unknown = values[0] ?? null;
  for (const value of values) {
    const candidate = value ?? null;
    if (compareCollated(candidate, best, collation) * direction < 0) best = candidate;
  }
  return best;
}
