import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createApiKey, type CreateApiKeyInput } from '../auth/apiKeys';
import { Role } from '../auth/roles';
import { ConfigError, loadConfig, type Config } from '../config';
import { openStore } from '../datasources/store';
import { checkFlags, parseArgs, UsageError } from '../features/commandLine';
import { LeadAgentClient, type AssignmentMessage } from './leadAgentClient';
import { createKeyThroughService, serviceCall, writerBeside } from './throughService';

const USAGE = `npm run demo:agents -- [--agents 5] [--url http://localhost:PORT/graphql] [--upload data/demo/leads.csv]
       [--min-seconds 2] [--max-seconds 10] [--silent-share 0.15] [--decline-share 0.1] [--key ADMIN_KEY]`;
const OUTCOMES = ['POSITIVE_REPLY', 'NEUTRAL_REPLY', 'NOT_A_LEAD'] as const;

interface DemoOptions {
  agents: number;
  url: string;
  upload?: string;
  minMs: number;
  maxMs: number;
  silentShare: number;
  declineShare: number;
  /** An ADMIN key for creating the agents' keys through the service that holds DATA_DIR. */
  key?: string;
}

function log(who: string, message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${who.padEnd(13)} ${message}\n`);
}

function parseOptions(argv: string[], port: number): DemoOptions {
  const flags = checkFlags(parseArgs(['demo-agents', ...argv]).flags, {
    optional: ['agents', 'url', 'upload', 'min-seconds', 'max-seconds', 'silent-share', 'decline-share', 'key'],
  });
  const number = (name: string, fallback: number, min: number, max: number) => {
    const value = flags[name] === undefined ? fallback : Number(flags[name]);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new UsageError(`--${name}: a number from ${min} to ${max}`);
    return value;
  };
  const minSeconds = number('min-seconds', 2, 0, 3600);
  return {
    agents: Math.round(number('agents', 5, 1, 200)),
    url: flags.url ?? `http://localhost:${port}/graphql`,
    upload: flags.upload,
    minMs: minSeconds * 1000,
    maxMs: number('max-seconds', 10, minSeconds, 3600) * 1000,
    silentShare: number('silent-share', 0.15, 0, 1),
    declineShare: number('decline-share', 0.1, 0, 1),
    key: flags.key,
  };
}

type CreateKey = (input: CreateApiKeyInput) => Promise<{ key: string }>;

interface DemoKeys {
  agents: { id: string; key: string }[];
  operator: string;
}

async function makeDemoKeys(count: number, create: CreateKey): Promise<DemoKeys> {
  const agents = [];
  for (let i = 1; i <= count; i += 1) {
    const id = `demo-agent-${i}`;
    agents.push({ id, key: (await create({ role: Role.AGENT, name: `Demo agent ${i}`, agentId: id })).key });
  }
  const operator = (await create({ role: Role.OPERATOR, name: 'demo:agents uploader' })).key;
  return { agents, operator };
}

/**
 * API keys for the simulated agents (and an operator for --upload): through the API of the
 * service that holds DATA_DIR, or in the store when no process holds it.
 */
async function demoKeys(count: number, options: DemoOptions, config: Config): Promise<DemoKeys> {
  const writer = writerBeside(config);
  if (writer) {
    const call = serviceCall('demo:agents', options.key, writer, config);
    return makeDemoKeys(count, (input) => createKeyThroughService(call, input));
  }
  const store = await openStore({ access: 'writer', holder: 'cli demo:agents' });
  try {
    return await makeDemoKeys(count, (input) => createApiKey(store.db, input));
  } finally {
    await store.close();
  }
}

/** One simulated agent: goes ONLINE, answers after a random delay, sometimes never (push time-out). */
async function runAgent(id: string, key: string, options: DemoOptions): Promise<LeadAgentClient> {
  const client = new LeadAgentClient(options.url.replace(/^http/, 'ws'), key);
  await client.connected();
  const onMessage = async (message: AssignmentMessage) => {
    if (message.kind === 'PRESENCE_CHANGED') {
      log(id, `presence ${message.presence} (${message.reason})`);
      if (message.presence === 'OFFLINE')
        setTimeout(() => void client.setPresence('ONLINE').catch(() => undefined), 5000);
      return;
    }
    if (message.kind !== 'ASSIGNED' || !message.lead)
      return log(id, `${message.kind.toLowerCase()}: ${message.lead?.email ?? ''} (${message.reason})`);
    const { lead } = message;
    const roll = Math.random();
    if (roll < options.silentShare) return log(id, `got ${lead.email}, will not answer (push time-out expected)`);
    const delay = options.minMs + Math.random() * (options.maxMs - options.minMs);
    log(id, `got ${lead.email}, answering in ${(delay / 1000).toFixed(1)} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      if (roll < options.silentShare + options.declineShare) {
        await client.declineLead(lead.id, 'demo: not my territory');
        log(id, `declined ${lead.email}`);
      } else {
        const outcome = OUTCOMES[Math.floor(Math.random() * OUTCOMES.length)]!;
        await client.resolveLead(lead.id, outcome, 'answered by demo:agents');
        log(id, `answered ${lead.email}: ${outcome}`);
      }
    } catch (error) {
      log(id, `could not answer ${lead.email}: ${(error as Error).message}`);
    }
  };
  client.subscribeAssignments(
    (message) => void onMessage(message),
    (error) => log(id, `subscription error: ${JSON.stringify(error)}`),
  );
  await client.setPresence('ONLINE');
  log(id, 'connected and ONLINE');
  return client;
}

async function uploadList(path: string, options: DemoOptions, operatorKey: string): Promise<void> {
  const form = new FormData();
  form.append('listName', `demo:agents ${basename(path)}`);
  form.append('file', new Blob([await readFile(path)]), basename(path));
  const response = await fetch(new URL('/uploads/leads', options.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorKey}` },
    body: form,
  });
  const body = (await response.json()) as { leadImport?: Record<string, unknown>; errors?: { message: string }[] };
  if (!response.ok) throw new Error(`upload refused (${response.status}): ${body.errors?.[0]?.message}`);
  const { accepted, rejected, duplicatesOfExisting } = body.leadImport!;
  log('upload', `${path}: ${accepted} queued, ${rejected} rejected, ${duplicatesOfExisting} already open`);
}

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const options = parseOptions(argv, config.PORT);
  const keys = await demoKeys(options.agents, options, config);
  const clients = await Promise.all(keys.agents.map(({ id, key }) => runAgent(id, key, options)));
  if (options.upload) await uploadList(options.upload, options, keys.operator);
  // Listen before saying so: a signal sent on reading the line below finds the handlers.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  log('demo', `${clients.length} agents working ${options.url}; Ctrl-C to stop`);
  await stopped;
  await Promise.allSettled(clients.map(async (client) => client.setPresence('OFFLINE').finally(() => client.close())));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      const usage = error instanceof UsageError || error instanceof ConfigError;
      process.stderr.write(
        `${usage ? `${error.message}\nusage: ${USAGE}` : `demo:agents failed: ${(error as Error).message}`}\n`,
      );
      process.exit(usage ? 2 : 1);
    },
  );
}
