import { notSupported } from './errors';
import { METHOD_OPTIONS, type OptionTable, type StoreMethod } from '../optionSupport';

/**
 * Refuses the options optionSupport.ts marks refused. Each call site holds its gate, built once:
 * a call without options costs one comparison, one with options a set lookup per key. Names
 * the driver does not know are left alone, as the driver leaves them.
 */
export type OptionGate = (options: object | null | undefined) => void;

function refusedNames(table: OptionTable): ReadonlySet<string> {
  return new Set(
    Object.entries(table)
      .filter(([, rule]) => rule.support === 'refused')
      .map(([name]) => name),
  );
}

export function gateFor(label: string, table: OptionTable): OptionGate {
  const refused = refusedNames(table);
  return (options) => {
    if (options === undefined || options === null) return;
    for (const name in options) {
      if (refused.has(name) && (options as Record<string, unknown>)[name] !== undefined) {
        throw notSupported(`the '${name}' option of ${label}`, table[name]!.note);
      }
    }
  };
}

export function optionGate(method: StoreMethod): OptionGate {
  const entry = METHOD_OPTIONS.find((candidate) => candidate.method === method)!;
  return gateFor(method, entry.options);
}
