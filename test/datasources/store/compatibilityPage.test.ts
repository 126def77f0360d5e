import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEGIN, END, renderTables } from './compatibilityTables';

/**
 * docs/store-compatibility.md holds the tables of optionSupport.ts and operatorSupport.ts as
 * rendered here. Run with WRITE_STORE_COMPATIBILITY=1 to rewrite them after changing a table.
 */
const PAGE = join(__dirname, '..', '..', '..', 'docs', 'store-compatibility.md');

describe('docs/store-compatibility.md', () => {
  it('shows the tables the engine refuses from and the walking tests prove', () => {
    const page = readFileSync(PAGE, 'utf8');
    const start = page.indexOf(BEGIN);
    const end = page.indexOf(END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const rendered = renderTables();
    if (process.env.WRITE_STORE_COMPATIBILITY === '1') {
      writeFileSync(PAGE, page.slice(0, start) + rendered + page.slice(end + END.length));
      return;
    }
    expect(page.slice(start, end + END.length)).toBe(rendered);
  });
});
