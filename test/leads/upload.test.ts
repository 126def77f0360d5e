import { request } from 'node:http';
import { Readable } from 'node:stream';
import { startTestServer, type TestServer } from '../support/server';
import { graphql } from '../support/graphql';
import { uploadLeadsMutation, xlsxOf } from './wsSupport';

describe('lead uploads over HTTP', () => {
  let server: TestServer;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer({ UPLOAD_MAX_BYTES: String(2 * 1024 * 1024) });
    operator = await server.createApiKey('operator', 'ops');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('imports an .xlsx list through the GraphQL multipart upload, listing bad rows', async () => {
    const file = await xlsxOf([
      ['Name', 'EMAIL', 'Timestamp', 'Source'],
      ['Ann', 'ann@x.io', new Date('2024-01-01T00:00:00Z'), 'fair'],
      ['Bob', 'bob(at)x.io', null, 'fair'],
      ['Cy', 'cy@x.io', 'when pigs fly', 'web'],
      ['Ann again', 'ANN@x.io', null, 'web'],
    ]);
    const { status, body } = await uploadLeadsMutation(server.url, operator, file, 'list.xlsx', 'January fair');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.uploadLeads).toMatchObject({
      listName: 'January fair',
      filename: 'list.xlsx',
      total: 4,
      accepted: 1,
      rejected: 3,
      duplicatesOfExisting: 0,
    });
    expect(
      (body.data!.uploadLeads.rejectedRows as { rowNumber: number; reason: string }[]).map((row) => [
        row.rowNumber,
        row.reason,
      ]),
    ).toEqual([
      [3, 'INVALID_EMAIL'],
      [4, 'INVALID_TIMESTAMP'],
      [5, 'DUPLICATE_IN_FILE'],
    ]);
    const leads = await graphql<{
      leads: {
        totalCount: number;
        edges: {
          node: {
            email: string;
            attributes: { name: string; value: string }[];
            history: { change: string; actor: string }[];
          };
        }[];
      };
    }>(
      server.url,
      `
        {
          leads(filter: { status: QUEUED }) {
            totalCount
            edges {
              node {
                email
                attributes {
                  name
                  value
                }
                history {
                  change
                  actor
                }
              }
            }
          }
        }
      `,
      undefined,
      { key: operator },
    );
    expect(leads.data?.leads.totalCount).toBe(1);
    expect(leads.data?.leads.edges[0]!.node).toEqual({
      email: 'ann@x.io',
      attributes: [{ name: 'source', value: 'fair' }],
      history: [{ change: 'QUEUED', actor: 'ops' }],
    });
  });

  it('imports a CSV list through POST /uploads/leads, skipping emails already open', async () => {
    const form = new FormData();
    form.append('listName', 'script upload');
    form.append('file', new Blob(['email,name\nann@x.io,Ann\ndan@x.io,Dan\n,Nobody\n']), 'more.csv');
    const response = await fetch(new URL('/uploads/leads', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}` },
      body: form,
    });
    expect(response.status).toBe(201);
    const { leadImport } = (await response.json()) as { leadImport: Record<string, unknown> };
    expect(leadImport).toMatchObject({
      listName: 'script upload',
      total: 3,
      accepted: 1,
      rejected: 1,
      duplicatesOfExisting: 1,
    });
  });

  it('refuses uploads without the operator role or in the wrong format', async () => {
    const agent = await server.createApiKey('agent', 'agent', 'agent-1');
    const refused = await uploadLeadsMutation(server.url, agent, Buffer.from('email\na@x.io\n'), 'a.csv');
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const wrongFormat = await uploadLeadsMutation(server.url, operator, Buffer.from('%PDF'), 'a.pdf');
    expect(wrongFormat.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const form = new FormData();
    form.append('file', new Blob(['email\n']), 'a.csv');
    const anonymous = await fetch(new URL('/uploads/leads', server.url), { method: 'POST', body: form });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a file over UPLOAD_MAX_BYTES sent as a GraphQL multipart upload', async () => {
    const big = Buffer.concat([Buffer.from('email\n'), Buffer.alloc(3 * 1024 * 1024, 'someone@example.com\n')]);
    const { body } = await uploadLeadsMutation(server.url, operator, big, 'big.csv');
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    const leads = await graphql<{ leads: { totalCount: number } }>(
      server.url,
      '{ leads(filter: { status: QUEUED }) { totalCount } }',
      undefined,
      { key: operator },
    );
    expect(leads.data?.leads.totalCount).toBe(2);
  });

  it('refuses a 1 GB upload early, without reading it all', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'a@x.io\n');
    const gigabyte = 1024 ** 3;
    const boundary = 'leadsboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.csv"\r\nContent-Type: text/csv\r\n\r\nemail\n`,
    );
    const body = new Readable({
      read() {
        if (sent >= gigabyte) return this.push(null);
        sent += chunk.length;
        this.push(sent === chunk.length ? Buffer.concat([head, chunk]) : chunk);
      },
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/uploads/leads', server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${operator}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      req.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        body.unpipe(req);
        body.destroy();
        req.destroy();
      });
      // the server drops the connection once it has answered: that is the point
      req.on('error', (error) => (body.destroyed ? undefined : reject(error)));
      body.pipe(req);
    });
    expect(status).toBe(413);
    // refused after about the 2 MB limit (plus what was in flight in socket buffers)
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });
});
