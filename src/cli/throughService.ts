import { resolve } from 'node:path';
import type { CreateApiKeyInput } from '../auth/apiKeys';
import type { Config } from '../config';
import { foreignWriter, type WriterRecord } from '../datasources/store';
import { AppError, type ErrorCode } from '../errors';
import type { CliCommand } from '../features';
import { checkFlags, UsageError, type ParsedArgs } from '../features/commandLine';
import { apiKeyInputOf } from '../features/system';
import type { CommandAnswer } from '../server/commandRoute';

/**
 * One process writes an embedded data directory at a time (docs/store.md). While another holds
 * it (the service, usually), a CLI command does not open the store: it goes through that process's
 * API with the operator's key (--key, or CLI_API_KEY), as a GraphQL call when the API offers the
 * operation and otherwise as the command itself, run in the service. With MongoDB every process
 * writes, and nothing changes.
 */

/** The other process that holds DATA_DIR as its writer, if any (embedded store only). */
export function writerBeside(config: Config): WriterRecord | undefined {
  return config.MONGODB_URI ? undefined : foreignWriter(config.DATA_DIR);
}

/** Where the API of the process that holds DATA_DIR is, and the operator's key for it. */
export interface ServiceCall {
  url: string;
  key: string;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function callService<T>(call: ServiceCall, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(call.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${call.key}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json().catch(() => ({}))) as GraphQLAnswer<T>;
  const error = answer.errors?.[0] ?? (answer.data ? undefined : { message: `HTTP ${response.status}` });
  if (error) {
    const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    // Bad input is the operator's to fix (exit code 2), as when the command runs here.
    if (code === 'BAD_USER_INPUT') throw new AppError(code as ErrorCode, error.message);
    throw new Error(`${call.url} answered ${code}: ${error.message}`);
  }
  return answer.data!;
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export interface CreatedKey {
  key: string;
  apiKey: { id: string; role: string; name: string };
}

/** Creates an API key through the service (the operator's key must be ADMIN). */
export async function createKeyThroughService(call: ServiceCall, input: CreateApiKeyInput): Promise<CreatedKey> {
  const { createApiKey } = await callService<{ createApiKey: CreatedKey }>(
    call,
    'mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id role name } } }',
    { input },
  );
  return createApiKey;
}

type RemoteCommand = (flags: Record<string, string | boolean>, call: ServiceCall) => Promise<void>;

/** The commands that write and that the API offers, each printing what it prints when run here. */
const remoteCommands: Record<string, RemoteCommand> = {
  async 'create-api-key'(flags, call) {
    const { apiKey, key } = await createKeyThroughService(call, apiKeyInputOf(flags));
    process.stdout.write(
      `Created API key ${apiKey.id} (${apiKey.role}, "${apiKey.name}"). ` +
        `It is shown only now; only its hash is stored.\n${key}\n`,
    );
  },
  async 'redrive-dead-letters'(flags, call) {
    const { queue } = checkFlags(flags, { required: ['queue'] });
    const { redriveDeadLetters } = await callService<{ redriveDeadLetters: number }>(
      call,
      'mutation Redrive($queue: String!) { redriveDeadLetters(queue: $queue) }',
      { queue },
    );
    print({ queue, moved: redriveDeadLetters });
  },
};

function describe(writer: WriterRecord): string {
  return `pid ${writer.pid} on ${writer.host} since ${writer.since} (${writer.holder})`;
}

/** Thrown when a command cannot run beside the process that holds DATA_DIR. */
export class HeldByAnotherProcess extends Error {
  override readonly name = 'HeldByAnotherProcess';
}

/** The --key flag (the key for the service's API), taken out of a command's own flags. */
export function takeKeyFlag(flags: Record<string, string | boolean>): {
  key?: string;
  flags: Record<string, string | boolean>;
} {
  const { key, ...rest } = flags;
  if (typeof key === 'boolean') throw new UsageError('--key needs a value: an API key');
  return { key, flags: rest };
}

/** A command as the CLI runs it: its usage and which of its flags name local files. */
type CommandOfTheCli = Pick<CliCommand, 'usage' | 'fileFlags'>;

/**
 * Runs a command in the process that holds DATA_DIR, with the key of --key or CLI_API_KEY: a
 * command the GraphQL API offers goes through it; any other one through the service's command
 * route (ADMIN keys), which runs it there and answers what it printed and its exit code.
 */
export async function runThroughService(
  name: string,
  command: CommandOfTheCli,
  args: Pick<ParsedArgs, 'flags' | 'positional'>,
  key: string | undefined,
  writer: WriterRecord,
  config: Config,
): Promise<number> {
  const call = serviceCall(name, key, writer, config);
  const remote = remoteCommands[name];
  if (remote) {
    await remote(args.flags, call);
    return 0;
  }
  const line = { flags: localFiles(command, args.flags), positional: args.positional };
  const answer = await runInService(call, name, line);
  process.stdout.write(answer.output);
  if (answer.error) process.stderr.write(answer.error);
  return answer.exitCode;
}

/** The command's file flags as absolute paths: the service resolves a relative one against its own directory. */
function localFiles(
  command: CommandOfTheCli,
  flags: Record<string, string | boolean>,
): Record<string, string | boolean> {
  const resolved = { ...flags };
  for (const flag of command.fileFlags ?? []) {
    const value = resolved[flag];
    if (typeof value === 'string') resolved[flag] = resolve(value);
  }
  return resolved;
}

/** POST /admin/commands/:name on the service (src/server/commandRoute.ts). */
async function runInService(
  call: ServiceCall,
  name: string,
  line: Pick<ParsedArgs, 'flags' | 'positional'>,
): Promise<CommandAnswer> {
  const url = new URL(`/admin/commands/${encodeURIComponent(name)}`, call.url);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${call.key}` },
    body: JSON.stringify(line),
  });
  const answer = (await response.json().catch(() => ({}))) as Partial<CommandAnswer> & GraphQLAnswer<never>;
  if (response.ok && typeof answer.exitCode === 'number') {
    return { exitCode: answer.exitCode, output: answer.output ?? '', error: answer.error };
  }
  const error = answer.errors?.[0] ?? { message: `HTTP ${response.status}` };
  const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
  if (code === 'BAD_USER_INPUT') throw new AppError(code, error.message);
  throw new Error(`${url.href} answered ${code}: ${error.message}`);
}

/** The API of the process that holds DATA_DIR, with the key of --key (`key`) or CLI_API_KEY. */
export function serviceCall(
  command: string,
  key: string | undefined,
  writer: WriterRecord,
  config: Config,
): ServiceCall {
  const held = `${config.DATA_DIR} is held by another writing process: ${describe(writer)}`;
  if (!writer.url)
    throw new HeldByAnotherProcess(`${held}, which serves no API (yet): try again once it listens, or stop it first.`);
  const apiKey = key ?? config.CLI_API_KEY;
  if (!apiKey) {
    throw new UsageError(
      `${held}, so "${command}" goes through its API at ${writer.url}: give an API key with --key KEY or CLI_API_KEY.`,
    );
  }
  return { url: writer.url, key: apiKey };
}
