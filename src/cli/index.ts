import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { App } from '../app';
import { createApiKey } from '../auth/apiKeys';
import { Role } from '../auth/roles';
import { ConfigError, loadConfig, type Config } from '../config';
import { AppError } from '../errors';
import { features as allFeatures, featureResolvers, type AnyFeature, type CliCommand, type WiredFeature } from '../features';
import { createLogger, redactUri } from '../logger';
import { printAppSchema } from '../schema';
import { composeApp } from '../server/compose';
import { checkFlags, parseArgs, UsageError, type ParsedArgs } from '../features/commandLine';
import { runThroughService, takeKeyFlag, writerBeside } from './throughService';

/** Exit codes: 0 done, 1 the command failed, 2 the command line or configuration was wrong. */
const EXIT_USAGE = 2;

/** A command that needs no store (schema emission): runs before the app is composed. */
interface OfflineCommand {
  description: string;
  usage: string;
  run(args: ParsedArgs): Promise<number>;
}

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
};

/** Commands of the whole service: they receive every feature with its services. */
const appCommands: Record<string, CliCommand<readonly WiredFeature[]>> = {
  demo: {
    description: "Fills the store with every feature's generated demo data and prints an admin key to explore it",
    usage: 'demo [--force]',
    async run(app, flags, _positional, features) {
      const force = flags.force === true;
      checkFlags(Object.fromEntries(Object.entries(flags).filter(([name]) => name !== 'force')), {});
      // Generated data in a shared MongoDB would mix with real data: ask for it explicitly.
      if (app.store.engine === 'mongodb' && !force) {
        throw new UsageError('demo writes generated data; on MongoDB add --force if that is really wanted');
      }
      for (const { feature, services } of features) {
        if (!feature.demo) continue;
        process.stdout.write(`demo: ${feature.name}...\n`);
        await feature.demo(app, services);
      }
      const { key } = await createApiKey(app.db, { role: Role.ADMIN, name: `demo ${new Date().toISOString()}` });
      process.stdout.write(
        `Demo data is in the ${app.store.engine} store. Start the service (npm start), open http://localhost:${app.config.PORT}/graphql\n` +
          'and send this admin key as the header  Authorization: Bearer <key>\n' +
          `${key}\n`,
      );
    },
  },
};

/** A command with the services it runs with, taken from the composed app. */
interface RunnableCommand extends Pick<CliCommand, 'description' | 'usage'> {
  run(app: App, flags: Record<string, string | boolean>, positional: string[], features: readonly WiredFeature[]): Promise<number | void>;
}

/** Built-in commands plus every feature's; a feature may not shadow another command. */
function allCommands(features: readonly AnyFeature[]): Record<string, RunnableCommand> {
  const commands: Record<string, RunnableCommand> = { ...appCommands };
  for (const feature of features) {
    for (const [name, command] of Object.entries(feature.commands ?? {})) {
      if (name in commands || name in offlineCommands) {
        throw new Error(`CLI command "${name}" of feature ${feature.name} is already defined`);
      }
      commands[name] = {
        ...command,
        run: (app, flags, positional, wired) => command.run(app, flags, positional, wired.find((w) => w.feature === feature)?.services),
      };
    }
  }
  return commands;
}

function usage(commands: Record<string, { description: string; usage?: string }>): string {
  const lines = Object.entries(commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, command]) => `  ${command.usage ?? name}\n      ${command.description}`);
  const beside =
    'While a service holds DATA_DIR (embedded store), create-api-key and redrive-dead-letters go through its API\n' +
    'with --key KEY or CLI_API_KEY; other commands wait until it stops.';
  return `Usage: npm run cli -- <command> [--flag value]\n\nCommands:\n${lines.join('\n')}\n\n${beside}\n`;
}

async function runAppCommand(command: RunnableCommand, config: Config, args: ParsedArgs): Promise<number> {
  const { key, flags } = takeKeyFlag(args.flags);
  const writer = writerBeside(config);
  if (writer) {
    await runThroughService(args.command!, flags, key, writer, config);
    return 0;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, destination: process.stderr });
  const composed = await composeApp(config, { logger, holder: `cli ${args.command}` });
  try {
    const code = await command.run(composed.app, flags, args.positional, composed.features);
    return code ?? 0;
  } finally {
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
  const commands = allCommands(allFeatures);
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
    if (error instanceof UsageError || error instanceof ConfigError) {
      const help = everything[args.command]?.usage;
      process.stderr.write(`${error.message}${help ? `\nUsage: npm run cli -- ${help}` : ''}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof AppError && error.code === 'BAD_USER_INPUT') {
      process.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`${args.command} failed: ${redactUri(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

if (require.main === module) {
  // runCli answers every failure with an exit code: it does not reject.
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
