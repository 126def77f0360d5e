import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { docPages, ROOT } from './docPages';

const pages = docPages();
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text outside code blocks, where links are links. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```\s*$/gm, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const headings = prose(markdown).match(/^#{1,6} .+$/gm) ?? [];
  return new Set(
    headings.map((heading) =>
      heading
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

test('README.md reads in five minutes: at most 300 lines', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(300);
});

test('README.md states the Node versions package.json supports', () => {
  const { engines } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  expect(readme).toContain(`\`${engines.node}\``);
});

test.each(pages.map((path) => ({ page: relative(ROOT, path), path })))('links of $page lead somewhere', ({ path }) => {
  const broken: string[] = [];
  for (const [, target] of prose(readFileSync(path, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target!)) continue;
    const [file, anchor] = target!.split('#') as [string, string | undefined];
    const resolved = file ? join(dirname(path), file) : path;
    if (!existsSync(resolved)) {
      broken.push(`${target}: no such file`);
      continue;
    }
    if (anchor && statSync(resolved).isFile() && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(`${target}: no such heading`);
    }
  }
  expect(broken).toEqual([]);
});
