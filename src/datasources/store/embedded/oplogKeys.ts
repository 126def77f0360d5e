/** Oplog keys: 8 big-endian bytes, so LMDB orders them by sequence number. */
export function seqKey(seq: number): Buffer {
  const buf = Buffer.allocUnsafe(8);
  buf.writeBigUInt64BE(BigInt(seq));
  return buf;
}

export function readSeq(bytes: Buffer): number {
  return Number(bytes.readBigUInt64BE(0));
}
