import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OperationTypeNode } from 'graphql';
import { Role } from '../../src/auth/roles';
import { features } from '../../src/features';
import { startTestServer, type TestServer } from '../support/server';
import { docPages, ROOT } from './docPages';
import { fillPlaceholders } from './exampleVariables';
import { extractExamples, type DocExample } from './markdownExamples';
import { runExample, type ExampleAnswer } from './runExample';
import { settle } from './settle';

/** README.md and every page of docs/ with at least one graphql example. */
const pages = docPages()
  .map((path) => ({ page: relative(ROOT, path), examples: extractExamples(readFileSync(path, 'utf8')) }))
  .filter(({ examples }) => examples.length > 0);

/**
 * A list a reading example asks for at the top level must have rows on the demo data: an empty
 * answer would show a newcomer nothing, and usually means the example's filter misses the data.
 */
function emptyLists(answer: ExampleAnswer): string[] {
  return Object.entries(answer.data ?? {}).flatMap(([field, value]) => {
    if (Array.isArray(value)) return value.length === 0 ? [field] : [];
    const edges = value && typeof value === 'object' ? (value as { edges?: unknown[] }).edges : undefined;
    return Array.isArray(edges) && edges.length === 0 ? [`${field}.edges`] : [];
  });
}

const title = ({ line, operation }: DocExample) =>
  `line ${line}: ${operation.operation} ${operation.name?.value ?? ''}`;

test('README.md and docs/api.md have examples', () => {
  expect(pages.map(({ page }) => page)).toEqual(expect.arrayContaining(['README.md', join('docs', 'api.md')]));
});

describe.each(pages)('examples of $page, in order, on the demo data with an admin key', ({ examples }) => {
  let server: TestServer;
  let admin: string;
  let previous: ExampleAnswer['data'];

  beforeAll(async () => {
    // the demo's shape at a smaller size: every example reads the same kinds of rows
    server = await startTestServer({ DEMO_FAN_REGISTRATIONS: '3000' });
    for (const feature of features) await server.demo(feature);
    admin = await server.createApiKey(Role.ADMIN, 'docs examples');
    await settle(server.url, admin);
  }, 120_000);
  afterAll(() => server?.stop());

  test.each(examples.map((example) => ({ name: title(example), example })))(
    '$name',
    async ({ example }) => {
      const variables = example.variables && fillPlaceholders(example.variables, previous, new Date());
      const answer = await runExample(server, admin, example, variables as Record<string, unknown> | undefined);
      previous = answer.data;
      expect(answer.errors ?? []).toEqual([]);
      expect(answer.data).toBeTruthy();
      if (example.operation.operation === OperationTypeNode.QUERY) expect(emptyLists(answer)).toEqual([]);
      if (example.operation.operation === OperationTypeNode.MUTATION) await settle(server.url, admin);
    },
    180_000,
  );
});
