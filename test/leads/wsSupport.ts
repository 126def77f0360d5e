import ExcelJS from 'exceljs';
import { LeadAgentClient, type AssignmentMessage } from '../../src/cli/leadAgentClient';

/** POSTs a GraphQL multipart request (the spec graphql-upload implements) with one file. */
export async function uploadLeadsMutation(url: string, key: string, file: Buffer, filename: string, listName?: string) {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: `mutation ($file: Upload!, $listName: String) {
        uploadLeads(file: $file, listName: $listName) {
          id listName filename total accepted rejected duplicatesOfExisting rejectedRows { rowNumber email reason message }
        }
      }`,
      variables: { file: null, listName },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([file]), filename);
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: { uploadLeads: Record<string, unknown> } | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    },
  };
}

export async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Leads');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A connected agent that records what it is told and can wait for a given message. */
export class RecordingAgent {
  readonly messages: AssignmentMessage[] = [];
  private waiters: { match: (message: AssignmentMessage) => boolean; resolve: (message: AssignmentMessage) => void }[] =
    [];
  private unsubscribe: () => void = () => undefined;

  private constructor(readonly client: LeadAgentClient) {}

  static async connect(wsUrl: string, key: string): Promise<RecordingAgent> {
    const agent = new RecordingAgent(new LeadAgentClient(wsUrl, key));
    await agent.client.connected();
    agent.unsubscribe = agent.client.subscribeAssignments((message) => agent.record(message));
    return agent;
  }

  /** The next (or an already received, not yet taken) message matching `match`. */
  next(match: (message: AssignmentMessage) => boolean, timeoutMs = 5000): Promise<AssignmentMessage> {
    const index = this.messages.findIndex(match);
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching message on myLeadAssignments')), timeoutMs);
      this.waiters.push({ match, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.client.close();
  }

  private record(message: AssignmentMessage): void {
    const waiter = this.waiters.find((candidate) => candidate.match(message));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else {
      this.messages.push(message);
    }
  }
}

export const kind = (expected: AssignmentMessage['kind']) => (message: AssignmentMessage) => message.kind === expected;
