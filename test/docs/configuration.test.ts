import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { ROOT } from './docPages';

/** src/config.ts, and the files of a src/config/ folder should the settings ever be split up. */
function configSources(): string[] {
  const file = join(ROOT, 'src', 'config.ts');
  const folder = join(ROOT, 'src', 'config');
  const split = existsSync(folder)
    ? readdirSync(folder, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(folder, name))
    : [];
  return [...(existsSync(file) ? [file] : []), ...split].map((path) => readFileSync(path, 'utf8'));
}

/**
 * Every variable the configuration code reads: the keys of its zod schema (`  NAME: z...` or
 * `  NAME: int(...)`), direct reads (`env.NAME`, `env['NAME']`, `process.env.NAME`) and the
 * prefixes it matches (`key.startsWith('CRON_')` reads every `CRON_<NAME>`).
 */
function variablesRead(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of source.matchAll(/^\s+([A-Z][A-Z0-9_]*)\s*:/gm)) names.add(match[1]!);
  for (const match of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g)) {
    names.add((match[1] ?? match[2])!);
  }
  for (const match of source.matchAll(/startsWith\(\s*['"]([A-Z][A-Z0-9_]*_)['"]\s*\)/g)) {
    names.add(`${match[1]}<NAME>`);
  }
  return names;
}

/** The rows of docs/configuration.md's tables: first cell `NAME`, second cell its default. */
function documentedRows(page: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of page.matchAll(/^\|\s*`([A-Z][A-Z0-9_<>]*)`\s*\|([^|]*)\|/gm)) {
    rows.set(match[1]!, match[2]!.trim());
  }
  return rows;
}

const page = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
const documented = documentedRows(page);
const read = new Set(configSources().flatMap((source) => [...variablesRead(source)]));

describe('docs/configuration.md against src/config.ts', () => {
  test('the configuration code is found and read', () => {
    expect(read.size).toBeGreaterThan(50);
    expect(read).toContain('PORT');
    expect(read).toContain('CRON_<NAME>');
  });

  test('lists every variable the configuration reads', () => {
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });

  test('lists no variable the configuration does not read', () => {
    const prefixes = [...read].filter((name) => name.endsWith('<NAME>')).map((name) => name.replace('<NAME>', ''));
    const readThroughPrefix = (name: string) => prefixes.some((prefix) => name.startsWith(prefix));
    const stale = [...documented.keys()].filter((name) => !read.has(name) && !readThroughPrefix(name));
    expect(stale).toEqual([]);
  });

  test("gives each variable's default as the code has it", () => {
    const defaults = loadConfig({}) as unknown as Record<string, unknown>;
    const wrong = [...documented.entries()]
      .filter(([name]) => defaults[name] !== undefined && defaults[name] !== '')
      .filter(([name, cell]) => !cell.includes(`\`${String(defaults[name])}\``))
      .map(([name, cell]) => `${name}: page says ${cell}, code has ${String(defaults[name])}`);
    expect(wrong).toEqual([]);
  });
});
