import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

/** Filters and lookups longer than GRAPHQL_MAX_LOOKUP_LENGTH are refused as bad input, naming the argument. */
describe('length of filter and lookup arguments', () => {
  const LIMIT = 300;
  let server: TestServer;
  let viewerKey: string;
  let operatorKey: string;

  beforeAll(async () => {
    server = await startTestServer({ GRAPHQL_MAX_LOOKUP_LENGTH: String(LIMIT) });
    viewerKey = await server.createApiKey('viewer');
    operatorKey = await server.createApiKey('operator');
  });
  afterAll(() => server.stop());

  const text = (length: number) => 'a'.repeat(length);

  it.each([
    ['jobs', 'query Q($v: String) { jobs(filter: { type: $v }) { totalCount } }', 'filter.type'],
    ['members', 'query Q($v: String) { members(email: $v) { totalCount } }', 'email'],
    ['clickEvents', 'query Q($v: String) { clickEvents(filter: { url: $v }) { totalCount } }', 'filter.url'],
    ['campaign', 'query Q($v: ID!) { campaign(id: $v) { id } }', 'id'],
    ['jobs, written inline', `{ jobs(filter: { type: "${text(LIMIT + 1)}" }) { totalCount } }`, 'filter.type'],
  ])('refuses a %s argument over the limit with BAD_USER_INPUT naming it', async (_name, query, field) => {
    const answer = await graphql(server.url, query, { v: text(LIMIT + 1) }, { key: viewerKey });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field,
      limit: LIMIT,
      actual: LIMIT + 1,
    });
    expect(answer.errors![0]!.message).toContain(field);
  });

  it('accepts arguments up to the limit', async () => {
    const jobs = await graphql(
      server.url,
      'query Q($v: String) { jobs(filter: { type: $v }) { totalCount } }',
      { v: text(LIMIT) },
      { key: viewerKey },
    );
    expect(jobs.errors).toBeUndefined();
    expect(jobs.data).toEqual({ jobs: { totalCount: 0 } });
    const campaign = await graphql(
      server.url,
      'query Q($v: ID!) { campaign(id: $v) { id } }',
      { v: text(LIMIT) },
      { key: viewerKey },
    );
    expect(campaign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a long ID in a mutation, and leaves other mutation text to its own checks', async () => {
    const cancel = await graphql(
      server.url,
      'mutation M($v: ID!) { cancelJob(id: $v) { id } }',
      { v: text(LIMIT + 1) },
      { key: operatorKey },
    );
    expect(cancel.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const template = await graphql(
      server.url,
      'mutation M($input: TemplateInput!) { createTemplate(input: $input) { id } }',
      { input: { name: 'Long', type: 'plain', subject: 'Hello', text: `${text(LIMIT * 3)} https://example.com` } },
      { key: operatorKey },
    );
    expect(template.errors).toBeUndefined();
  });
});
