import { Readable } from 'node:stream';

/**
 * A CSV upload that sends `rows` member rows (`<prefix><i>@example.com`, after `head` if given),
 * then waits for `release()` before it ends with `ending` (a broken line makes the import fail).
 */
export function gatedCsv(rows: number, prefix: string, ending = '', head = '') {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  async function* parts() {
    yield Buffer.from(`email,name\n${head}`);
    for (let start = 0; start < rows; start += 1000) {
      const lines = [];
      for (let i = start; i < Math.min(rows, start + 1000); i++) lines.push(`${prefix}${i}@example.com,M ${i}\n`);
      yield Buffer.from(lines.join(''));
    }
    await gate;
    if (ending) yield Buffer.from(ending);
  }
  return { stream: Readable.from(parts()), release };
}

export async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
