import { renderLink } from '../../src/services/campaigns/render';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Links with {{placeholders}} through a real server: the click redirect lands on the link as
 * rendered for its recipient, and a link that cannot be a URL once filled is refused when the
 * template is saved.
 */
describe('template links with placeholders', () => {
  let server: TestServer;
  let operator: string;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer({ TRACKING_SECRET: 'link-placeholders-secret-0123', JOB_POLL_WAIT_SECONDS: '1' });
    operator = await server.createApiKey('operator');
    base = new URL(server.url).origin;
  });
  afterAll(() => server.stop());

  async function gql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await graphql<T>(server.url, query, variables, { key: operator });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data as T;
  }

  const createTemplate = (fields: { html?: string; text?: string }) =>
    graphql(
      server.url,
      `
        mutation ($i: TemplateInput!) {
          createTemplate(input: $i) {
            id
          }
        }
      `,
      { i: { name: 'L', type: 'plain', subject: 's', ...fields } },
      { key: operator },
    );

  async function waitForJob(id: string): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const { job } = await gql(`query($id: ID!) { job(id: $id) { status } }`, { id });
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) return job.status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${id} did not finish`);
  }

  it('redirects a click to the link rendered for the recipient, in HTML and in text', async () => {
    const html =
      '<a href="https://shop.example.com/p/{{attributes.sku}}?u={{ attributes.customerId }}&amp;e={{email}}">buy</a>';
    const text = 'Your offer: https://shop.example.com/o?name={{ name }} ends soon';
    const { createTemplate: template } = await gql(
      `mutation($i: TemplateInput!) { createTemplate(input: $i) { id } }`,
      {
        i: { name: 'Personal', type: 'plain', subject: 'For {{name}}', html, text },
      },
    );
    const { createSender } = await gql(
      `mutation { createSender(input: { name: "S", email: "s@example.com" }) { id } }`,
    );
    const { createAudience } = await gql(`mutation { createAudience(input: { name: "P" }) { id } }`);
    const { createMember } = await gql(`mutation($i: MemberInput!) { createMember(input: $i) { id } }`, {
      i: { email: 'ann@example.com', name: 'Ann Lee', attributes: { sku: 'a/1', customerId: 'C 17&x' } },
    });
    await gql(`mutation($a: ID!, $m: [ID!]!) { addAudienceMembers(audienceId: $a, memberIds: $m) }`, {
      a: createAudience.id,
      m: [createMember.id],
    });
    const { createCampaign } = await gql(`mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }`, {
      i: { name: 'Personal', templateId: template.id, senderId: createSender.id, audienceIds: [createAudience.id] },
    });
    const { sendCampaignNow } = await gql(`mutation($id: ID!) { sendCampaignNow(id: $id) { id } }`, {
      id: createCampaign.id,
    });
    expect(await waitForJob(sendCampaignNow.id)).toBe('SUCCEEDED');

    const { outbox } = await gql(`{ outbox(first: 10) { edges { node { to html text } } } }`);
    const message = outbox.edges.map((e: any) => e.node).find((node: any) => node.to === 'ann@example.com');
    expect(message.html).not.toContain('{{');
    expect(message.text).not.toContain('{{');
    const htmlClick = /href="([^"]*\/c\/[^"]+)"/.exec(message.html)![1].replace(/&amp;/g, '&');
    const textClick = /(https?:\/\/\S+\/c\/\S+)/.exec(message.text)![1];
    const follow = async (url: string) => {
      const response = await fetch(`${base}${new URL(url).pathname}${new URL(url).search}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      return response.headers.get('location');
    };
    expect(await follow(htmlClick)).toBe('https://shop.example.com/p/a%2F1?u=C%2017%26x&e=ann%40example.com');
    expect(await follow(textClick)).toBe('https://shop.example.com/o?name=Ann%20Lee');
    expect(message.text).toMatch(/\/c\/\S+ ends soon$/);
  });

  it('refuses, when a template is created or updated, a link that is no URL once filled', async () => {
    const bad = [
      { html: '<a href="https://{{attributes.host}}/x">x</a>', says: 'host' },
      { html: '<a href="{{attributes.link}}">x</a>', says: 'host' },
      { text: 'Go to https://example.com/{{first name}} now', says: 'placeholder' },
      { html: '<a href="https://example.com/?u={{email}">x</a>', says: 'placeholder' },
    ];
    for (const { says, ...fields } of bad) {
      const response = await createTemplate(fields);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toMatch(new RegExp(says));
    }
    const good = await createTemplate({
      html: '<a href="https://example.com/{{email}}">x</a> <a href="mailto:{{email}}">me</a>',
    });
    expect(good.errors).toBeUndefined();
    const id = (good.data as any).createTemplate.id;
    const update = await graphql(
      server.url,
      `
        mutation ($id: ID!, $i: TemplateUpdateInput!) {
          updateTemplate(id: $id, input: $i) {
            id
          }
        }
      `,
      {
        id,
        i: { text: 'https://{{attributes.host}}.example.com/' },
      },
      { key: operator },
    );
    expect(update.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(update.errors?.[0]?.message).toMatch(/input\.text: .*host/);
  });
});

describe('renderLink', () => {
  it('encodes every value, even one no URL can hold as it is', () => {
    const recipient = { email: 'a+b@example.com', name: null, attributes: { id: 'x/y?z#w', broken: 'a\ud800b' } };
    expect(renderLink('https://e.com/{{ id }}?e={{email}}&n={{name}}&b={{broken}}', recipient)).toBe(
      'https://e.com/x%2Fy%3Fz%23w?e=a%2Bb%40example.com&n=&b=a%EF%BF%BDb',
    );
  });
});
