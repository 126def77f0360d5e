/** Control characters (C0, DEL, C1) and the bidirectional overrides that make a name read as another. */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** What counts as the extension kept when a long name is cut. */
const EXTENSION = /\.[\p{L}\p{N}]{1,10}$/u;

/**
 * An uploaded file's name as data to store and show, never as a path: the client's folder part
 * dropped (after / or \), control characters removed, whitespace collapsed, and cut to
 * `maxChars` characters keeping the extension (by which the format is chosen). Never empty.
 */
export function uploadFileName(raw: string | null | undefined, maxChars: number): string {
  const base = String(raw ?? '')
    .normalize('NFC')
    .split(/[/\\]/)
    .pop()!;
  const name = base.replace(UNPRINTABLE, '').replace(/\s+/gu, ' ').trim() || 'upload';
  const chars = Array.from(name);
  if (chars.length <= maxChars) return name;
  const extension = EXTENSION.exec(name)?.[0] ?? '';
  const stem = Array.from(name.slice(0, name.length - extension.length));
  return `${stem
    .slice(0, Math.max(1, maxChars - Array.from(extension).length))
    .join('')
    .trimEnd()}${extension}`;
}
