import { badInput } from '../../../errors';
import { commandFlags } from './commandFlags';
import type { LakeMergeOutcome, LakeMerges } from './lakeMerges';
import { lakeRecordType } from './lakePaths';
import { parseLakePrefix } from './lakePrefix';
import type { LakeVerification } from './lakeVerify';

/** Where a command prints (the CLI's stdout, or the answer of the service's command route). */
interface Output {
  write(text: string): unknown;
}

export const LAKE_COMMAND = {
  description:
    'Merges a lake prefix now (stage, archive, publish) or verifies it: ' +
    'counts live, archived and stored records, exit 1 when they disagree',
  usage: 'lake merge|verify --type registration|scoring|codeAssignment --prefix YYYY/MM[/DD] [--json]',
};

/** `lake merge` and `lake verify`; returns the exit code. */
export async function runLakeCommand(
  merges: LakeMerges,
  flags: Record<string, string | boolean>,
  positional: string[],
  out: Output,
): Promise<number> {
  const [action, ...extra] = positional;
  if ((action !== 'merge' && action !== 'verify') || extra.length > 0) {
    throw badInput(`lake merge or lake verify (usage: npm run cli -- ${LAKE_COMMAND.usage})`, 'command');
  }
  const { values, switches } = commandFlags(flags, { required: ['type', 'prefix'], switches: ['json'] });
  const recordType = lakeRecordType(values.type!, 'type');
  const period = parseLakePrefix(values.prefix!, 'prefix');
  const print = (text: string, value: unknown) =>
    out.write(switches.has('json') ? `${JSON.stringify(value, null, 2)}\n` : text);
  if (action === 'verify') {
    const verification = await merges.verify(recordType, period);
    print(verificationText(verification), verification);
    return verification.agrees ? 0 : 1;
  }
  // Run to the end here, not left to the move job: the operator reads the result when it returns.
  const outcome = await merges.mergePrefix(recordType, period, undefined, null);
  if (outcome.mergeId) await merges.complete(outcome.mergeId);
  print(mergeText(outcome), outcome);
  return 0;
}

function mergeText(outcome: LakeMergeOutcome): string {
  const head = `lake merge ${outcome.recordType} ${outcome.prefix}: `;
  const lines = [
    outcome.mergeId
      ? `${head}${outcome.inputs} files, ${outcome.records} records merged into merge ${outcome.mergeId}`
      : `${head}nothing to do (${outcome.nothing})`,
    ...outcome.finished.map((mergeId) => `  finished the unfinished merge ${mergeId} first`),
    ...outcome.skipped.map((file) => `  left in place: ${file.key} (${file.reason})`),
  ];
  return `${lines.join('\n')}\n`;
}

const verdict = (agrees: boolean) => (agrees ? 'AGREE' : 'DISAGREE');

export function verificationText(v: LakeVerification): string {
  const { live, archived, store } = v;
  const lines = [
    `lake verify ${v.recordType} ${v.prefix} (${v.from.toISOString()} to ${v.to.toISOString()})`,
    `  live:     ${live.records} records = merged ${live.mergedRecords} (${live.mergedFiles} files)` +
      ` + loose ${live.looseRecords} (${live.looseFiles} files)` +
      (live.enclosingMergedRecords ? ` + ${live.enclosingMergedRecords} in the month's merged file` : ''),
    `  archived: ${archived.records} records in ${archived.files} originals; imported ${archived.importedRecords}` +
      ` records in ${archived.importedFiles} files; ${archived.supersededFiles} superseded files not counted`,
    store
      ? `  store:    ${store.records} ${store.what}`
      : '  store:    not compared (the store keeps only the latest state per fan, the lake every record)',
    `  lake:     merged ${live.mergedRecords + live.enclosingMergedRecords} vs archived ${archived.records}: ` +
      verdict(v.lakeAgrees),
    ...(store && v.storeAgrees !== null
      ? [
          `  store:    lake records matching their entry ${store.lake.matching} vs store ${store.records}` +
            ` (re-registrations ${store.lake.others}, without an entry ${store.lake.withoutEntry}): ` +
            verdict(v.storeAgrees),
        ]
      : []),
    ...v.openMerges.map(
      (merge) => `  open merge ${merge.mergeId} of ${merge.prefix} (${merge.state}): rerun lake merge to finish it`,
    ),
    `  result:   ${verdict(v.agrees)}`,
  ];
  return `${lines.join('\n')}\n`;
}
