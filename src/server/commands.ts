import type { App } from '../app';
import { createApiKey } from '../auth/apiKeys';
import { Role } from '../auth/roles';
import { ConfigError } from '../config';
import { AppError } from '../errors';
import type { AnyFeature, CliCommand, WiredFeature } from '../features';
import { checkFlags, UsageError } from '../features/commandLine';
import type { CommandOutput } from '../features/feature';
import { redactUri } from '../logger';

/** Exit codes: 0 done, 1 the command failed, 2 the command line or configuration was wrong. */
export const EXIT_USAGE = 2;

/** A command with the services it runs with, taken from the composed app. */
export interface RunnableCommand extends Pick<CliCommand, 'description' | 'usage' | 'fileFlags'> {
  run(
    app: App,
    flags: Record<string, string | boolean>,
    positional: string[],
    features: readonly WiredFeature[],
    out: CommandOutput,
  ): Promise<number | void>;
}

/** Commands of the whole service: they receive every feature with its services. */
const appCommands: Record<string, RunnableCommand> = {
  demo: {
    description: "Fills the store with every feature's generated demo data and prints an admin key to explore it",
    usage: 'demo [--force]',
    async run(app, flags, _positional, features, out) {
      const force = flags.force === true;
      checkFlags(Object.fromEntries(Object.entries(flags).filter(([name]) => name !== 'force')), {});
      // Generated data in a shared MongoDB would mix with real data: ask for it explicitly.
      if (app.store.engine === 'mongodb' && !force) {
        throw new UsageError('demo writes generated data; on MongoDB add --force if that is really wanted');
      }
      for (const { feature, services } of features) {
        if (!feature.demo) continue;
        out.write(`demo: ${feature.name}...\n`);
        await feature.demo(app, services);
      }
      const { key } = await createApiKey(app.db, { role: Role.ADMIN, name: `demo ${new Date().toISOString()}` });
      out.write(
        `Demo data is in the ${app.store.engine} store. ` +
          `With the service running (npm start), open http://localhost:${app.config.PORT}/ and sign in with this admin key\n` +
          `(the explorer at http://localhost:${app.config.PORT}/graphql takes it as the header  Authorization: Bearer <key>)\n` +
          `${key}\n`,
      );
    },
  },
  stats: {
    description:
      'rebuild: recomputes the dashboard figures kept beside the data (campaign stats, click and tracking rollups, fan registrations per market) from the data',
    usage: 'stats rebuild [--domain campaigns|clicks|tracking|fans]',
    async run(app, flags, positional, features, out) {
      const { domain } = checkFlags(flags, { optional: ['domain'] });
      if (positional.join(' ') !== 'rebuild') throw new UsageError('stats: the only subcommand is "rebuild"');
      const keepers = features.filter(({ feature }) => feature.rebuildStats && (!domain || feature.name === domain));
      if (keepers.length === 0) throw new UsageError(`--domain: no domain named "${domain}" keeps figures`);
      for (const { feature, services } of keepers) {
        const rebuilt = await feature.rebuildStats!(app, services);
        out.write(`${feature.name}: ${JSON.stringify(rebuilt)}\n`);
      }
    },
  },
};

/** Built-in commands plus every feature's; a feature may not shadow another command (nor one of `reserved`). */
export function allCommands(
  features: readonly AnyFeature[],
  reserved: readonly string[] = [],
): Record<string, RunnableCommand> {
  const commands: Record<string, RunnableCommand> = { ...appCommands };
  for (const feature of features) {
    for (const [name, command] of Object.entries(feature.commands ?? {})) {
      if (name in commands || reserved.includes(name)) {
        throw new Error(`CLI command "${name}" of feature ${feature.name} is already defined`);
      }
      commands[name] = {
        ...command,
        run: (app, flags, positional, wired, out) =>
          command.run(app, flags, positional, wired.find((w) => w.feature === feature)?.services, out),
      };
    }
  }
  return commands;
}

export interface CommandFailure {
  exitCode: number;
  message: string;
}

/** What the operator reads when a command fails, and its exit code: the same here and through the service. */
export function commandFailure(error: unknown, name: string, usage: string | undefined): CommandFailure {
  if (error instanceof UsageError || error instanceof ConfigError) {
    const help = usage ? `\nUsage: npm run cli -- ${usage}` : '';
    return { exitCode: EXIT_USAGE, message: `${error.message}${help}\n` };
  }
  if (error instanceof AppError && error.code === 'BAD_USER_INPUT') {
    return { exitCode: EXIT_USAGE, message: `${error.message}\n` };
  }
  const reason = redactUri(error instanceof Error ? error.message : String(error));
  return { exitCode: 1, message: `${name} failed: ${reason}\n` };
}
