import { notSupported } from './errors';
import { isPlainObject } from './values';

/**
 * `$where`, `$function` and `$accumulator` run JavaScript, which MongoDB runs in a sandbox and
 * mingo would run in this process: refused wherever they appear in a filter or a pipeline.
 */
const SCRIPTS = new Set(['$where', '$function', '$accumulator']);

export function refuseScripts(value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) refuseScripts(element);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (SCRIPTS.has(key)) throw notSupported(`the ${key} operator`, 'no server-side JavaScript');
    refuseScripts(value[key]);
  }
}
