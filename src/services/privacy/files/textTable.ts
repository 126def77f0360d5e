import type { Readable } from 'node:stream';
import { columnRoles, rowMatches, type ColumnRole, type PersonMatcher } from './personMatcher';

/** How a text table separates cells: CSV (commas, RFC 4180 quotes) or tab-separated (no quotes). */
export type Delimiter = ',' | '\t';

/** One record of a table as read: its text exactly as in the file (line ending included) and its cells. */
export interface TableRecord {
  raw: string;
  cells: string[];
  /** 1-based line the record starts on. */
  line: number;
}

/** The cells of one record; a quoted CSV cell may hold commas, doubled quotes and line breaks. */
export function splitCells(text: string, delimiter: Delimiter): string[] {
  const record = text.replace(/\r?\n$/, '').replace(/^\uFEFF/, '');
  if (delimiter === '\t') return record.split('\t');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < record.length; at++) {
    const char = record[at]!;
    if (quoted) {
      if (char === '"' && record[at + 1] === '"') {
        cell += '"';
        at += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

const quotesIn = (text: string) => {
  let count = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) count += 1;
  return count;
};

/**
 * A record longer than this is handed on as it stands (a CSV quote left open, a line with no end):
 * the readers of these files refuse such rows, and memory stays bounded.
 */
const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * The records of a text table, streamed: lines are split as they arrive (LF or CRLF kept), and a
 * CSV line with an open quote is joined with the next until the quote closes.
 */
export async function* tableRecords(body: Readable, delimiter: Delimiter): AsyncGenerator<TableRecord> {
  body.setEncoding('utf8');
  let pending = '';
  let record = '';
  let quotes = 0;
  let line = 1;
  let startLine = 1;
  const take = function* (text: string): Generator<TableRecord> {
    if (record === '') startLine = line;
    record += text;
    line += 1;
    if (delimiter === ',') quotes += quotesIn(text);
    if (quotes % 2 === 1 && record.length <= MAX_RECORD_CHARS) return;
    yield { raw: record, cells: splitCells(record, delimiter), line: startLine };
    record = '';
    quotes = 0;
  };
  for await (const chunk of body as AsyncIterable<string>) {
    const text = pending + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield* take(text.slice(start, end + 1));
      start = end + 1;
    }
    pending = text.slice(start);
    if (pending.length > MAX_RECORD_CHARS) {
      yield* take(pending);
      pending = '';
    }
  }
  if (pending !== '') yield* take(pending);
  if (record !== '') yield { raw: record, cells: splitCells(record, delimiter), line: startLine };
}

/** A record of the person, with the file's header naming its cells (for an export). */
export interface MatchedRow {
  line: number;
  values: Record<string, string>;
}

/** Reads a table through: its header's roles and the person's rows (at most `limit`). */
export async function findRows(
  body: Readable,
  delimiter: Delimiter,
  matcher: PersonMatcher,
  limit = Number.POSITIVE_INFINITY,
): Promise<MatchedRow[]> {
  const rows: MatchedRow[] = [];
  let header: string[] | null = null;
  let roles: ColumnRole[] = [];
  try {
    for await (const record of tableRecords(body, delimiter)) {
      if (header === null) {
        header = record.cells.map((name) => name.trim());
        roles = columnRoles(header);
        continue;
      }
      if (!rowMatches(matcher, roles, record.cells)) continue;
      const names = header;
      rows.push({
        line: record.line,
        values: Object.fromEntries(record.cells.map((cell, index) => [names[index] ?? `column${index + 1}`, cell])),
      });
      if (rows.length >= limit) break;
    }
  } finally {
    body.destroy();
  }
  return rows;
}

/**
 * The table's text without the person's rows, streamed, every other byte as it was; `removed`
 * counts the rows left out once the stream has ended.
 */
export function withoutRows(
  body: Readable,
  delimiter: Delimiter,
  matcher: PersonMatcher,
): { text: AsyncGenerator<string>; removed: () => number } {
  let removed = 0;
  async function* text(): AsyncGenerator<string> {
    let roles: ColumnRole[] | null = null;
    for await (const record of tableRecords(body, delimiter)) {
      if (roles === null) {
        roles = columnRoles(record.cells);
        yield record.raw;
      } else if (rowMatches(matcher, roles, record.cells)) removed += 1;
      else yield record.raw;
    }
  }
  return { text: text(), removed: () => removed };
}

/**
 * A quick look before a table is parsed: false when no part of the text can be one of the
 * person's rows (neither their e-mail nor a userId in it, nor their number's digits once the
 * separators are dropped), which is most files. True says only that the rows must be read.
 */
export async function mentionsPerson(body: Readable, matcher: PersonMatcher): Promise<boolean> {
  const words = [...matcher.emails, ...matcher.userIds].map((word) => word.toLowerCase());
  const digits = [...matcher.nationalDigits];
  const keep = Math.max(0, ...words.map((word) => word.length), ...digits.map((word) => word.length));
  body.setEncoding('utf8');
  let textTail = '';
  let digitTail = '';
  try {
    for await (const chunk of body as AsyncIterable<string>) {
      const text = textTail + (chunk as string).toLowerCase();
      const numbers = digitTail + (chunk as string).replace(/\D/g, '');
      if (words.some((word) => text.includes(word)) || digits.some((word) => numbers.includes(word))) return true;
      textTail = keep > 0 ? text.slice(-keep) : '';
      digitTail = keep > 0 ? numbers.slice(-keep) : '';
    }
    return false;
  } finally {
    body.destroy();
  }
}
