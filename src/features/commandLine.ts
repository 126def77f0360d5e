/** A command line after the command name: `--flag value`, `--flag=value`, `--switch`, positionals. */
export interface ParsedArgs {
  command: string | undefined;
  flags: Record<string, string | boolean>;
  positional: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses argv (without node and the script). A `--flag` followed by a word that is not itself a
 * flag takes that word as its value; otherwise it is a boolean switch. `--` ends the flags.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const token = rest[i]!;
    if (token === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (!token.startsWith('--')) {
      positional.push(token);
      continue;
    }
    const body = token.slice(2);
    if (body.length === 0 || body.startsWith('=')) throw new UsageError(`"${token}" is not a flag`);
    const equals = body.indexOf('=');
    if (equals > 0) {
      flags[body.slice(0, equals)] = body.slice(equals + 1);
    } else if (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) {
      flags[body] = rest[i + 1]!;
      i += 1;
    } else {
      flags[body] = true;
    }
  }
  return { command, flags, positional };
}

/** Checks flags against what a command accepts; UsageError naming the first problem. */
export function checkFlags(
  flags: Record<string, string | boolean>,
  spec: { required?: string[]; optional?: string[] },
): Record<string, string> {
  const known = new Set([...(spec.required ?? []), ...(spec.optional ?? [])]);
  const unknown = Object.keys(flags).find((name) => !known.has(name));
  if (unknown) throw new UsageError(`unknown flag --${unknown}`);
  for (const name of spec.required ?? []) {
    if (flags[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(flags)) {
    if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  return values;
}
