import type { Readable } from 'node:stream';
import { payloadTooLarge } from '../../../errors';

/** A non-blank line of an NDJSON body and its number (1-based, blank lines counted). */
export interface NdjsonLine {
  line: number;
  text: string;
}

const NEWLINE = 0x0a;

/**
 * The lines of an NDJSON body, read as it streams in, split on `\n` (a trailing `\r` dropped)
 * without holding the body as one string. Refuses with PAYLOAD_TOO_LARGE as soon as the body
 * passes `maxBytes`: the caller has applied nothing yet, so nothing of such a body is kept. The
 * body is then left paused, not destroyed, so that an HTTP answer can still be sent on its socket.
 */
export function readNdjsonLines(body: Readable, maxBytes: number): Promise<NdjsonLine[]> {
  const lines: NdjsonLine[] = [];
  let carry: Buffer[] = [];
  let bytes = 0;
  let number = 0;
  const take = (piece: Buffer) => {
    number += 1;
    const text = piece.toString('utf8').trim();
    if (text) lines.push({ line: number, text });
  };
  const split = (chunk: Buffer) => {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, end);
      take(carry.length ? Buffer.concat([...carry, piece]) : piece);
      carry = [];
      start = end + 1;
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  };
  return new Promise((resolve, reject) => {
    const settle = (error: Error | null) => {
      body.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (error) reject(error);
      else resolve(lines);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        body.pause();
        settle(tooLarge(maxBytes));
        return;
      }
      split(chunk);
    };
    const onEnd = () => {
      if (carry.length) take(Buffer.concat(carry));
      settle(null);
    };
    const onClose = () => settle(new Error('the body ended before it was complete'));
    body.on('data', onData).once('end', onEnd).once('error', settle).once('close', onClose);
  });
}

export const tooLarge = (maxBytes: number) =>
  payloadTooLarge(`The NDJSON body is larger than FAN_INGEST_MAX_BYTES (${maxBytes} bytes); nothing of it was kept`);
