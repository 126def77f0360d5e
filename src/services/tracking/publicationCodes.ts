import { badInput } from '../../errors';

/**
 * The seed's table of pixel `pub=` codes to publication ids, the fallback when a publication
 * document carries no `publicationCode` field. TRACKING_PUBLICATION_CODES adds or overrides entries.
 */
export const DEFAULT_PUBLICATION_CODES: Readonly<Record<string, number>> = Object.freeze({
  chireader: 1035,
  suntimes: 1038,
  tribune: 1043,
  wbez: 1047,
  wvon: 1048,
  wrll: 1054,
  chirp: 1056,
  e3radio: 1058,
  ssweekly: 1064,
  triibe: 1065,
  ndigo: 1067,
  hydepark: 1037,
  evanstonrt: 1044,
  streetwise: 1055,
});

const codePattern = /^[a-z0-9_-]{1,64}$/;

/** Lower-cases a publication code; null when it is not [a-z0-9_-]{1,64} once lower-cased. */
export function normalizePublicationCode(code: unknown): string | null {
  if (typeof code !== 'string') return null;
  const lower = code.trim().toLowerCase();
  return codePattern.test(lower) ? lower : null;
}

/** The publicationCode filter of a sync request, validated; BAD_USER_INPUT when malformed. */
export function parsePublicationCodeInput(code: string | null | undefined): string | undefined {
  if (code === undefined || code === null || code === '') return undefined;
  const normalized = normalizePublicationCode(code);
  if (!normalized) throw badInput('publicationCode: letters, digits, _ and -, at most 64', 'publicationCode');
  return normalized;
}

/**
 * Parses TRACKING_PUBLICATION_CODES ("code=id,code=id") over the seed's defaults. Throws a
 * plain Error naming the bad entry, which config validation turns into a ConfigError.
 */
export function parsePublicationCodeMap(text: string | undefined): Record<string, number> {
  const map: Record<string, number> = { ...DEFAULT_PUBLICATION_CODES };
  if (!text) return map;
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [rawCode, rawId, ...rest] = entry.split('=');
    const code = normalizePublicationCode(rawCode);
    const id = Number(rawId);
    if (!code || rest.length > 0 || !Number.isSafeInteger(id) || id <= 0) {
      throw new Error(`"${entry}" is not code=publicationId`);
    }
    map[code] = id;
  }
  return map;
}

/** A publication document as the sync reads it (publicationCode is optional, added by the hub). */
export interface PublicationCodeSource {
  publicationId: unknown;
  publicationCode?: unknown;
}

/**
 * code -> publicationId: the publications collection's `publicationCode` first, then the
 * configured map; keys lower-cased so the lookup is case-insensitive.
 */
export function buildPublicationIndex(
  publications: Iterable<PublicationCodeSource>,
  configured: Readonly<Record<string, number>>,
): Map<string, number> {
  const index = new Map<string, number>();
  for (const [code, id] of Object.entries(configured)) {
    const normalized = normalizePublicationCode(code);
    if (normalized) index.set(normalized, id);
  }
  for (const publication of publications) {
    const code = normalizePublicationCode(publication.publicationCode);
    const id = Number(publication.publicationId);
    if (code && Number.isSafeInteger(id)) index.set(code, id);
  }
  return index;
}
