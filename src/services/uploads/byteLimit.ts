import { Transform, type TransformCallback } from 'node:stream';
import { payloadTooLarge } from '../../errors';

/**
 * A pass-through that counts bytes and fails as soon as the total passes `maxBytes`, so an
 * oversized upload is refused after reading at most `maxBytes` plus one chunk, never buffered.
 */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly message = `The file is larger than the limit of ${maxBytes} bytes`,
  ) {
    super();
  }

  /** Bytes that went through so far. */
  get bytes(): number {
    return this.seen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(payloadTooLarge(this.message));
      return;
    }
    callback(null, chunk);
  }
}
