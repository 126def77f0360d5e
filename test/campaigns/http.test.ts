import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The whole path through a real server: GraphQL API, upload, the campaign-send job run by the
 * job system, the outbox, the public tracking endpoints, conversions, stats and the CSV export.
 */
describe('campaigns over HTTP', () => {
  let server: TestServer;
  let operator: string;
  let viewer: string;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer({ TRACKING_SECRET: 'http-test-tracking-secret-0123', JOB_POLL_WAIT_SECONDS: '1' });
    operator = await server.createApiKey('operator');
    viewer = await server.createApiKey('viewer');
    base = new URL(server.url).origin;
  });
  afterAll(() => server.stop());

  async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, key = operator): Promise<T> {
    const response = await graphql<T>(server.url, query, variables, { key });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data as T;
  }

  async function upload(audienceId: string, content: string, mode = 'ADD') {
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query: `mutation($a: ID!, $f: Upload!, $m: ImportMode!) { importAudienceMembers(audienceId: $a, file: $f, mode: $m) { status counts { accepted rejected duplicatesInFile created } rejects { rowNumber reason } } }`,
        variables: { a: audienceId, f: null, m: mode },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob([content], { type: 'text/csv' }), 'members.csv');
    const response = await fetch(server.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${operator}`, 'apollo-require-preflight': 'true' },
    });
    return (await response.json()) as { data?: any; errors?: any[] };
  }

  async function waitForJob(id: string): Promise<any> {
    for (let i = 0; i < 200; i++) {
      const { job } = await gql(`query($id: ID!) { job(id: $id) { id status result error { message } } }`, { id });
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${id} did not finish`);
  }

  let campaignId: string;
  let tokens: string[];

  it('builds audiences from uploads and sends a campaign through the job system', async () => {
    const { createSender } = await gql(
      `mutation { createSender(input: { name: "Jo", email: "jo@example.com" }) { id } }`,
    );
    const { createTemplate } = await gql(
      `mutation($html: String!) { createTemplate(input: { name: "T", type: "business", subject: "Hi {{name}}", html: $html }) { id placeholders } }`,
      { html: '<p>Hi {{name}}</p><a href="https://example.com/one">1</a><a href="https://example.com/two">2</a>' },
    );
    expect(createTemplate.placeholders).toEqual(['name']);
    const audiences: string[] = [];
    for (const name of ['A', 'B'])
      audiences.push(
        (
          await gql(`mutation($n: String!) { createAudience(input: { name: $n, segments: ["x"] }) { id } }`, {
            n: name,
          })
        ).createAudience.id,
      );
    const first = await upload(
      audiences[0],
      'email,name\nann@example.com,Ann\nbob@example.com,Bob\nnot-an-email,X\nANN@example.com ,Dup\n',
    );
    expect(first.errors).toBeUndefined();
    expect(first.data.importAudienceMembers).toMatchObject({
      status: 'SUCCEEDED',
      counts: { accepted: 2, rejected: 2, duplicatesInFile: 1, created: 2 },
    });
    const second = await upload(audiences[1], 'email,name\n Bob@Example.com,Bob\ncy@example.com,Cy\n');
    expect(second.data.importAudienceMembers.counts).toMatchObject({ accepted: 2, created: 1 });

    const { createCampaign } = await gql(
      `mutation($i: CampaignInput!) { createCampaign(input: $i) { id status template { name } sender { email } audiences { name memberCount } } }`,
      { i: { name: 'Launch', templateId: createTemplate.id, senderId: createSender.id, audienceIds: audiences } },
    );
    expect(createCampaign).toMatchObject({
      status: 'DRAFT',
      template: { name: 'T' },
      sender: { email: 'jo@example.com' },
    });
    expect(createCampaign.audiences.map((a: any) => a.memberCount)).toEqual([2, 2]);
    campaignId = createCampaign.id;

    const denied = await graphql(
      server.url,
      `
        mutation ($id: ID!) {
          sendCampaignNow(id: $id) {
            id
          }
        }
      `,
      { id: campaignId },
      { key: viewer },
    );
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { sendCampaignNow } = await gql(`mutation($id: ID!) { sendCampaignNow(id: $id) { id type status } }`, {
      id: campaignId,
    });
    expect(sendCampaignNow.type).toBe('campaign-send');
    expect((await waitForJob(sendCampaignNow.id)).status).toBe('SUCCEEDED');

    const { campaign } = await gql(
      `query($id: ID!) { campaign(id: $id) { status audienceSize links } }`,
      { id: campaignId },
      viewer,
    );
    expect(campaign).toEqual({
      status: 'SENT',
      audienceSize: 3,
      links: ['https://example.com/one', 'https://example.com/two'],
    });
    const { outbox } = await gql(`{ outbox(first: 10) { totalCount edges { node { to html } } } }`);
    expect(outbox.totalCount).toBe(3);
    expect(outbox.edges.map((e: any) => e.node.to).sort()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'cy@example.com',
    ]);
    tokens = outbox.edges
      .map((e: any) => e.node)
      .sort((a: any, b: any) => a.to.localeCompare(b.to))
      .map((node: any) => /\/o\/([^"]+)\.gif/.exec(node.html)![1]);
  });

  it('tracks opens and clicks, redirecting only to the campaign links', async () => {
    const [ann, bob] = tokens;
    const pixel = await fetch(`${base}/o/${ann}.gif`);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get('content-type')).toBe('image/gif');
    const click = await fetch(`${base}/c/${bob}?l=1`, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://example.com/two');
    await fetch(`${base}/c/${bob}?l=1`, { redirect: 'manual' });
    await fetch(`${base}/c/${ann}?l=0`, { redirect: 'manual' });

    for (const l of ['2', '-1', 'x', 'https://evil.example', '1e3', '']) {
      expect((await fetch(`${base}/c/${bob}?l=${encodeURIComponent(l)}`, { redirect: 'manual' })).status).toBe(400);
    }
    const [c, m, signature] = bob.split('.');
    const forged = `${c}.${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}.${signature}`;
    expect((await fetch(`${base}/o/${forged}.gif`)).status).toBe(404);
    expect((await fetch(`${base}/c/${forged}?l=0`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${base}/c/${c}.${m}.AAAAAAAAAAAAAAAAAAAAAA?l=0`, { redirect: 'manual' })).status).toBe(404);
    // forms the fast route leaves to Express get the same answers there
    expect((await fetch(`${base}/O/${forged}.gif`)).status).toBe(404);
    expect((await fetch(`${base}/c/${forged}/?l=0`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${base}/c/${bob}/?l=7`, { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(`${base}/c/${bob}?l=1&l=1`, { redirect: 'manual' })).status).toBe(400);
  });

  it('records conversions once per event id, from GraphQL and from servers', async () => {
    const body = JSON.stringify({ campaignId, email: ' ANN@example.com', value: 40, eventId: 'order-1' });
    const post = (key?: string) =>
      fetch(`${base}/conversions`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      });
    expect((await post()).status).toBe(401);
    expect((await post(viewer)).status).toBe(403);
    expect((await post(operator)).status).toBe(201);
    expect((await post(operator)).status).toBe(201);
    await gql(`mutation($t: String!) { recordConversion(input: { token: $t, value: 10 }) { id type } }`, {
      t: tokens[1],
    });
    const bad = await graphql(
      server.url,
      `
        mutation {
          recordConversion(input: { token: "a.b.c" }) {
            id
          }
        }
      `,
      {},
      { key: operator },
    );
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers stats from counts, recipients by what they did, and a CSV export', async () => {
    const { campaignStats } = await gql(
      `query($id: ID!) { campaignStats(id: $id) { audienceSize sent uniqueOpens totalClicks uniqueClicks conversions conversionValue openRate clickRate clickToOpenRate conversionRate granularity links { url clicks uniqueClickers clickThroughRate } series { opens clicks conversions } } }`,
      { id: campaignId },
      viewer,
    );
    expect(campaignStats).toMatchObject({
      audienceSize: 3,
      sent: 3,
      uniqueOpens: 2,
      totalClicks: 3,
      uniqueClicks: 2,
      conversions: 2,
      conversionValue: 50,
      openRate: 2 / 3,
      clickRate: 2 / 3,
      clickToOpenRate: 1,
      conversionRate: 2 / 3,
      granularity: 'HOUR',
    });
    expect(campaignStats.links).toEqual([
      { url: 'https://example.com/one', clicks: 1, uniqueClickers: 1, clickThroughRate: 1 / 3 },
      { url: 'https://example.com/two', clicks: 2, uniqueClickers: 1, clickThroughRate: 1 / 3 },
    ]);
    const totals = campaignStats.series.reduce(
      (sum: any, b: any) => ({ opens: sum.opens + b.opens, clicks: sum.clicks + b.clicks }),
      { opens: 0, clicks: 0 },
    );
    expect(totals).toEqual({ opens: 1, clicks: 3 });

    const { campaignRecipients } = await gql(
      `query($id: ID!) { campaignRecipients(id: $id, filter: { clicked: true }) { totalCount edges { node { email opened clicked firstClickedAt } } } }`,
      { id: campaignId },
      viewer,
    );
    expect(campaignRecipients.totalCount).toBe(2);
    expect(campaignRecipients.edges.every((e: any) => e.node.opened && e.node.clicked && e.node.firstClickedAt)).toBe(
      true,
    );

    const { exportCampaignRecipients } = await gql(
      `mutation($id: ID!) { exportCampaignRecipients(id: $id, filter: { converted: true }) { key url rows } }`,
      { id: campaignId },
    );
    expect(exportCampaignRecipients.rows).toBe(2);
    const url = new URL(exportCampaignRecipients.url);
    const download = await fetch(`${base}${url.pathname}${url.search}`);
    expect(download.status).toBe(200);
    const lines = (await download.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^email,name,status,sentAt,opened/);
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort(),
    ).toEqual(['ann@example.com', 'bob@example.com']);
    const tampered = `${base}${url.pathname.replace('recipients-', 'recipientz-')}${url.search}`;
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('exports the recorded events to the raw layer through the campaign-events-export job', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const { exportCampaignEvents } = await gql(
      `mutation($f: DateTime!, $t: DateTime!) { exportCampaignEvents(from: $f, to: $t) { id type } }`,
      { f: from, t: to },
    );
    expect(exportCampaignEvents.type).toBe('campaign-events-export');
    const job = await waitForJob(exportCampaignEvents.id);
    expect(job.status).toBe('SUCCEEDED');
    const files = await server.app.ports.objects.list('raw/campaign_events/');
    expect(files.length).toBeGreaterThanOrEqual(1);
    // 1 open, 3 clicks, 2 conversions (the conversion POSTed twice with one eventId is stored once)
    expect(job.result.files.reduce((sum: number, file: { events: number }) => sum + file.events, 0)).toBe(6);
  });

  it("answers the campaign page's figures and clickers anew once a click changes them", async () => {
    const page = `query($id: ID!) {
      campaignStats(id: $id) { uniqueClicks totalClicks links { clicks uniqueClickers } }
      campaignRecipients(id: $id, filter: { clicked: true }, first: 50) { totalCount edges { node { email } } }
    }`;
    const before = await gql(page, { id: campaignId }, viewer);
    expect(await gql(page, { id: campaignId }, viewer)).toEqual(before);
    expect(before.campaignRecipients.totalCount).toBe(2);
    await fetch(`${base}/c/${tokens[2]}?l=0`, { redirect: 'manual' });
    let after = before;
    for (let i = 0; i < 100 && after.campaignStats.totalClicks === before.campaignStats.totalClicks; i++) {
      after = await gql(page, { id: campaignId }, viewer);
    }
    expect(after.campaignStats).toMatchObject({ uniqueClicks: 3, totalClicks: before.campaignStats.totalClicks + 1 });
    expect(after.campaignStats.links[0].clicks).toBe(before.campaignStats.links[0].clicks + 1);
    expect(after.campaignRecipients.totalCount).toBe(3);
    expect(after.campaignRecipients.edges.map((e: any) => e.node.email).sort()).toEqual([
      'ann@example.com',
      'bob@example.com',
      'cy@example.com',
    ]);
  });

  it('answers zero rates, never a division by zero, for a campaign nobody was sent', async () => {
    const { campaign } = await gql(`query($id: ID!) { campaign(id: $id) { templateId senderId audienceIds } }`, {
      id: campaignId,
    });
    const { createAudience } = await gql(`mutation { createAudience(input: { name: "Empty" }) { id } }`);
    const { createCampaign } = await gql(`mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }`, {
      i: {
        name: 'Nobody',
        templateId: campaign.templateId,
        senderId: campaign.senderId,
        audienceIds: [createAudience.id],
      },
    });
    const job = (await gql(`mutation($id: ID!) { sendCampaignNow(id: $id) { id } }`, { id: createCampaign.id }))
      .sendCampaignNow;
    expect((await waitForJob(job.id)).status).toBe('SUCCEEDED');
    const { campaignStats } = await gql(
      `query($id: ID!) { campaignStats(id: $id) { audienceSize sent openRate clickRate clickToOpenRate conversionRate } }`,
      { id: createCampaign.id },
    );
    expect(campaignStats).toEqual({
      audienceSize: 0,
      sent: 0,
      openRate: 0,
      clickRate: 0,
      clickToOpenRate: 0,
      conversionRate: 0,
    });
  });
});
