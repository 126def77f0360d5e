import type { Document } from './bson';
import { notSupported, serverError } from './errors';
import { STAGES } from './operatorSupport';
import { refuseScripts } from './scripts';
import { isPlainObject } from './values';

/**
 * Checks a pipeline's stages before it runs: one stage name per stage, none the embedded
 * engine refuses (operatorSupport.ts), no scripts. A name MongoDB does not have is left to
 * mingo, which refuses it when the pipeline runs, as the server does when the cursor is read.
 */
export function checkPipeline(pipeline: Document[]): void {
  if (!Array.isArray(pipeline))
    throw serverError(14, 'TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const names = isPlainObject(stage) ? Object.keys(stage) : [];
    if (names.length !== 1)
      throw serverError(
        40323,
        'Location40323',
        'A pipeline stage specification object must contain exactly one field.',
      );
    const name = names[0]!;
    const rule = Object.hasOwn(STAGES, name) ? STAGES[name] : undefined;
    if (rule?.support === 'refused') throw notSupported(`the ${name} stage`, rule.note);
  }
  refuseScripts(pipeline);
}
