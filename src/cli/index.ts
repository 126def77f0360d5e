import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config';
import { features as allFeatures, featureResolvers } from '../features';
import { auditLogOf } from '../features/audit';
import { checkFlags, parseArgs, type ParsedArgs } from '../features/commandLine';
import { createLogger } from '../logger';
import { printAppSchema } from '../schema';
import { allCommands, commandFailure, EXIT_USAGE, type RunnableCommand } from '../server/commands';
import { composeApp } from '../server/compose';
import type { OfflineCommand } from './offlineCommand';
import { storeCommands } from './storeCommands';
import { runThroughService, takeKeyFlag, writerBeside } from './throughService';

const offlineCommands: Record<string, OfflineCommand> = {
  'emit-schema': {
    description: 'Writes the GraphQL SDL of the code to schema.graphql (or --out FILE)',
    usage: 'emit-schema [--out schema.graphql]',
    async run({ flags }) {
      const { out } = checkFlags(flags, { optional: ['out'] });
      const target = resolve(out ?? 'schema.graphql');
      await writeFile(target, await printAppSchema(featureResolvers()));
      process.stdout.write(`Wrote ${target}\n`);
      return 0;
    },
  },
  ...storeCommands,
};

function usage(commands: Record<string, { description: string; usage?: string }>): string {
  const lines = Object.entries(commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, command]) => `  ${command.usage ?? name}\n      ${command.description}`);
  const beside =
    'While a service holds DATA_DIR (embedded store), every command but emit-schema, backup and restore runs\n' +
    'through its API with --key KEY or CLI_API_KEY (an ADMIN key).';
  return `Usage: npm run cli -- <command> [--flag value]\n\nCommands:\n${lines.join('\n')}\n\n${beside}\n`;
}

/** Who runs a command on the store itself, for the audit log: the user at the console. */
function consoleUser(): string {
  try {
    return `cli (${userInfo().username})`;
  } catch {
    return 'cli';
  }
}

async function runAppCommand(command: RunnableCommand, config: Config, args: ParsedArgs): Promise<number> {
  const { key, flags } = takeKeyFlag(args.flags);
  const writer = writerBeside(config);
  if (writer) return runThroughService(args.command!, command, { ...args, flags }, key, writer, config);
  const logger = createLogger({ level: config.LOG_LEVEL, destination: process.stderr });
  const composed = await composeApp(config, { logger, holder: `cli ${args.command}` });
  const at = new Date();
  let exitCode = 0;
  try {
    exitCode = (await command.run(composed.app, flags, args.positional, composed.features, process.stdout)) ?? 0;
    return exitCode;
  } catch (error) {
    exitCode = commandFailure(error, args.command!, command.usage).exitCode;
    throw error;
  } finally {
    await auditLogOf(composed.features)?.recordCommand({
      command: args.command!,
      flags,
      positional: args.positional,
      at,
      exitCode,
      by: { keyName: consoleUser() },
    });
    await composed.jobSystem.stop();
    await composed.close();
  }
}

export async function runCli(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  const commands = allCommands(allFeatures, Object.keys(offlineCommands));
  const everything = { ...offlineCommands, ...commands };
  if (!args.command || args.command === 'help' || args.command === '--help') {
    process.stdout.write(usage(everything));
    return args.command ? 0 : EXIT_USAGE;
  }
  try {
    const offline = offlineCommands[args.command];
    if (offline) return await offline.run(args);
    const command = commands[args.command];
    if (!command) {
      process.stderr.write(`Unknown command "${args.command}".\n\n${usage(everything)}`);
      return EXIT_USAGE;
    }
    return await runAppCommand(command, loadConfig(), args);
  } catch (error) {
    const failure = commandFailure(error, args.command, everything[args.command]?.usage);
    process.stderr.write(failure.message);
    return failure.exitCode;
  }
}

if (require.main === module) {
  // runCli answers every failure with an exit code: it does not reject.
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
