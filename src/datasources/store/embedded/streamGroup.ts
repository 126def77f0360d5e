import type { Document } from './bson';
import { encodeKey } from './keyCodec';
import { isPlainObject } from './values';

/**
 * `$group` by a top-level field (or a constant) with `$sum` and `$count` accumulators, folded
 * while documents stream from LMDB. mingo's `$group` first collects every document of the
 * collection in memory (a million documents held in the heap); this keeps one running total
 * per group. It computes what mingo computes: a missing or null key groups under `_id: null`,
 * `$sum` adds the numbers (not NaN) it meets in document order, a constant `$sum` counts
 * times that constant, groups come out in first-seen order. Any other `$group` goes to mingo.
 */

type Accumulator = { kind: 'sumField'; field: string } | { kind: 'sumConstant'; amount: number } | { kind: 'count' };

interface GroupPlan {
  /** The grouping field, or undefined when `_id` is a constant. */
  keyField: string | undefined;
  constantKey: unknown;
  outputs: Array<[name: string, accumulator: Accumulator]>;
}

const FIELD_PATH = /^\$[A-Za-z_][A-Za-z0-9_]*$/;

function accumulatorOf(expression: unknown): Accumulator | undefined {
  if (!isPlainObject(expression) || Object.keys(expression).length !== 1) return undefined;
  if ('$count' in expression)
    return isPlainObject(expression.$count) && Object.keys(expression.$count).length === 0
      ? { kind: 'count' }
      : undefined;
  const argument = expression.$sum;
  if (typeof argument === 'number' && !Number.isNaN(argument)) return { kind: 'sumConstant', amount: argument };
  if (typeof argument === 'string' && FIELD_PATH.test(argument)) return { kind: 'sumField', field: argument.slice(1) };
  return undefined;
}

/** The plan of a `$group` stage this module can fold, or undefined when mingo must run it. */
export function streamableGroup(stage: Document | undefined): GroupPlan | undefined {
  if (!stage || !isPlainObject(stage.$group) || !('_id' in stage.$group)) return undefined;
  const { _id: key, ...fields } = stage.$group;
  let keyField: string | undefined;
  if (typeof key === 'string' && FIELD_PATH.test(key)) keyField = key.slice(1);
  else if (!(
    key === null ||
    typeof key === 'number' ||
    typeof key === 'boolean' ||
    (typeof key === 'string' && !key.startsWith('$'))
  ))
    return undefined;
  const outputs: GroupPlan['outputs'] = [];
  for (const [name, expression] of Object.entries(fields)) {
    const accumulator = accumulatorOf(expression);
    if (!accumulator || name.includes('.') || name.startsWith('$')) return undefined;
    outputs.push([name, accumulator]);
  }
  return { keyField, constantKey: key, outputs };
}

interface RunningGroup {
  id: unknown;
  count: number;
  sums: number[];
}

/** Folds the documents into one output document per group. */
export function* foldGroups(documents: Iterable<Document>, plan: GroupPlan): Generator<Document> {
  const groups = new Map<string, RunningGroup>();
  const sumFields = plan.outputs.map(([, accumulator]) =>
    accumulator.kind === 'sumField' ? accumulator.field : undefined,
  );
  for (const document of documents) {
    const id = plan.keyField === undefined ? plan.constantKey : (document[plan.keyField] ?? null);
    // Keys compare as BSON values do: equal dates or ObjectIds are one group.
    const key = encodeKey(id).toString('latin1');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { id, count: 0, sums: sumFields.map(() => 0) }));
    group.count++;
    for (let i = 0; i < sumFields.length; i++) {
      const field = sumFields[i];
      if (field === undefined) continue;
      const value = document[field];
      if (typeof value === 'number' && !Number.isNaN(value)) group.sums[i]! += value;
    }
  }
  for (const group of groups.values()) yield outputOf(group, plan);
}

function outputOf(group: RunningGroup, plan: GroupPlan): Document {
  const output: Document = { _id: group.id };
  plan.outputs.forEach(([name, accumulator], i) => {
    if (accumulator.kind === 'count') output[name] = group.count;
    else if (accumulator.kind === 'sumConstant') output[name] = group.count * accumulator.amount;
    else output[name] = group.sums[i];
  });
  return output;
}
