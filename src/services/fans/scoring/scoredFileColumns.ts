import { badInput } from '../../../errors';

/** The columns a scored file must have, by header name (any case, any order); others ride along. */
export const SCORED_FILE_COLUMNS = ['campaignId', 'userId', 'email', 'phone', 'score'] as const;

/** Where each required column is in a row, and how many columns the header has. */
export interface ScoredFileColumns {
  campaignId: number;
  userId: number;
  email: number;
  phone: number;
  score: number;
  count: number;
}

/** The columns of a scored file's header line (tab-separated); BAD_USER_INPUT naming what is missing or repeated. */
export function scoredFileColumns(header: string | null): ScoredFileColumns {
  if (header === null) throw badInput('The scored file has no header line (or one too long to read)', 'file');
  const names = header.split('\t').map((name) => name.trim().toLowerCase());
  const indexOf = (name: string) => {
    const index = names.indexOf(name.toLowerCase());
    if (index !== -1 && names.indexOf(name.toLowerCase(), index + 1) !== -1) {
      throw badInput(`The scored file's header has the column ${name} twice`, 'file');
    }
    return index;
  };
  const missing = SCORED_FILE_COLUMNS.filter((name) => indexOf(name) === -1);
  if (missing.length > 0) {
    throw badInput(
      `The scored file's header (tab-separated) lacks ${missing.join(', ')}: ` +
        `it needs ${SCORED_FILE_COLUMNS.join(', ')}`,
      'file',
    );
  }
  return {
    campaignId: indexOf('campaignId'),
    userId: indexOf('userId'),
    email: indexOf('email'),
    phone: indexOf('phone'),
    score: indexOf('score'),
    count: names.length,
  };
}

/**
 * A score cell as a number in [0, 1], or null. Decimal notation, with an exponent as Python
 * writes small floats (0, 1, 0.25, .5, 5e-05); Number() alone would also take '', '0x1',
 * 'Infinity' and ' 1 '. Read by a scan, not a regular expression.
 */
export function parseScore(cell: string | undefined): number | null {
  if (cell === undefined) return null;
  const text = cell.trim();
  if (text.length === 0 || text.length > 40) return null;
  let at = 0;
  let digits = 0;
  const skipDigits = () => {
    const from = at;
    while (at < text.length && isDigit(text.charCodeAt(at))) at += 1;
    return at - from;
  };
  digits += skipDigits();
  if (text.charCodeAt(at) === 46 /* . */) {
    at += 1;
    digits += skipDigits();
  }
  if (digits === 0) return null;
  if (text.charCodeAt(at) === 101 || text.charCodeAt(at) === 69 /* e E */) {
    at += 1;
    if (text.charCodeAt(at) === 43 || text.charCodeAt(at) === 45 /* + - */) at += 1;
    if (skipDigits() === 0) return null;
  }
  if (at !== text.length) return null;
  const score = Number(text);
  return score >= 0 && score <= 1 ? score : null;
}

const isDigit = (code: number) => code >= 48 && code <= 57;
