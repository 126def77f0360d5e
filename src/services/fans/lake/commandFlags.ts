import { badInput } from '../../../errors';

/**
 * A command's flags checked against what it takes (BAD_USER_INPUT, which the CLI answers with
 * exit code 2): values of `required` and `optional` flags, and which `switches` were given.
 */
export function commandFlags(
  flags: Record<string, string | boolean>,
  spec: { required?: string[]; optional?: string[]; switches?: string[] },
): { values: Record<string, string>; switches: Set<string> } {
  const valued = new Set([...(spec.required ?? []), ...(spec.optional ?? [])]);
  const switchNames = new Set(spec.switches ?? []);
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  for (const [name, value] of Object.entries(flags)) {
    if (switchNames.has(name)) {
      if (value !== true) throw badInput(`--${name} takes no value`, name);
      switches.add(name);
    } else if (valued.has(name)) {
      if (typeof value !== 'string' || value.length === 0) throw badInput(`--${name} needs a value`, name);
      values[name] = value;
    } else {
      throw badInput(`unknown flag --${name}`, name);
    }
  }
  const missing = (spec.required ?? []).find((name) => values[name] === undefined);
  if (missing) throw badInput(`--${missing} is required`, missing);
  return { values, switches };
}
