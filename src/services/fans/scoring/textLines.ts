import type { Readable } from 'node:stream';

/** Consecutive lines of a text file: `lines[i]` is line `firstLine + i` (1-based). */
export interface LineBatch {
  firstLine: number;
  /** Without the line break (LF or CRLF); null for a line longer than the limit, which is skipped unread. */
  lines: (string | null)[];
}

/**
 * The lines of a UTF-8 text stream, a chunk's worth at a time, never holding more than one
 * chunk plus one line: a line past `maxLineChars` is dropped as it streams by and reported as
 * null, so a file without line breaks cannot grow memory. A leading byte-order mark is dropped.
 */
export async function* lineBatches(input: Readable, maxLineChars: number): AsyncGenerator<LineBatch> {
  input.setEncoding('utf8');
  let partial = '';
  let overlong = false;
  let nextLine = 1;
  let first = true;
  for await (const chunk of input as AsyncIterable<string>) {
    let text = chunk;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const lines: (string | null)[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (overlong) lines.push(null);
      else {
        const line = partial + text.slice(start, end);
        lines.push(line.length > maxLineChars ? null : withoutCr(line));
      }
      partial = '';
      overlong = false;
      start = end + 1;
    }
    if (!overlong) {
      partial += text.slice(start);
      if (partial.length > maxLineChars + 1) {
        overlong = true;
        partial = '';
      }
    }
    if (lines.length > 0) {
      yield { firstLine: nextLine, lines };
      nextLine += lines.length;
    }
  }
  if (overlong) yield { firstLine: nextLine, lines: [null] };
  else if (partial !== '')
    yield { firstLine: nextLine, lines: [partial.length > maxLineChars ? null : withoutCr(partial)] };
}

const withoutCr = (line: string) => (line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
