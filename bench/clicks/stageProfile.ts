import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a main-thread sample belongs: the innermost frame of the click pipeline's own code
 * names its stage. Samples inside write transactions have none of the pipeline's frames on their
 * stack (lmdb-js runs the write batches' transaction callback on its own); the store ledger
 * splits them by collection.
 */
const STAGES: { stage: string; test: (url: string, fn: string) => boolean }[] = [
  { stage: 'parse (JSON + message shape)', test: (url, fn) => url.includes('clicks/handlers') && fn === 'parseBody' },
  { stage: 'validate (parseClickRow)', test: (url) => url.includes('clicks/clickRow') },
  { stage: 'hash (ids)', test: (url) => url.includes('clicks/eventId') || url.includes('clicks/modelIds') },
  { stage: 'click figures (plan)', test: (url) => url.includes('clicks/clickRollups') },
  { stage: 'click events (plan, read)', test: (url) => url.includes('clicks/clickEventWrites') },
  { stage: 'related models', test: (url) => url.includes('clicks/relatedModels') },
  { stage: 'processor (rest)', test: (url) => /clicks\/(processClicks|handlers)/.test(url) },
  { stage: 'messages (encode)', test: (url) => url.includes('clicks/messages') },
  { stage: 'loader', test: (url, fn) => url.includes('clicks/loadClicks') || fn === 'readClickLog' },
  { stage: 'acknowledger', test: (url, fn) => url.includes('clicks/acknowledgeClicks') || fn === 'markProcessed' },
  { stage: 'queue', test: (url) => url.includes('datasources/queue') || url.includes('jobs/queueConsumer') },
  {
    stage: 'store write transactions',
    test: (url) => url.includes('store/embedded/writeBatches'),
  },
];

/** What the innermost frame is doing, whatever the stage. */
const KINDS: { kind: string; test: (url: string, fn: string) => boolean }[] = [
  { kind: 'lmdb-js', test: (url) => url.includes('node_modules/lmdb') },
  { kind: 'bson', test: (url) => url.includes('node_modules/bson') },
  { kind: 'zod', test: (url) => url.includes('node_modules/zod') },
  { kind: 'crypto', test: (url) => url === 'node:crypto' || url.includes('internal/crypto') },
  { kind: 'store engine (JS)', test: (url) => url.includes('datasources/store') },
  { kind: 'JSON', test: (_url, fn) => fn === 'parse' || fn === 'stringify' },
];

export interface StageProfile {
  /** Main-thread milliseconds by stage and by the kind of work at the top of the stack. */
  stages: Map<string, number>;
  kinds: Map<string, number>;
  busyMs: number;
  idleMs: number;
}

/** Samples the main thread's stacks (V8's CPU profiler) until the returned stop is called. */
export async function startStageProfile(intervalMicros = 1000): Promise<() => Promise<StageProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    session.disconnect();
    return summarize(profile);
  };
}

function summarize(profile: Profile): StageProfile {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const memo = new Map<number, { stage: string; kind: string }>();
  const classify = (id: number) => {
    let known = memo.get(id);
    if (known) return known;
    const leaf = byId.get(id)!.callFrame;
    let kind = ['(idle)', '(garbage collector)', '(program)'].includes(leaf.functionName) ? leaf.functionName : '';
    let stage = kind === '(idle)' ? 'idle' : kind === '(garbage collector)' ? 'garbage collection' : '';
    for (let at: number | undefined = id; at !== undefined && (!stage || !kind); at = parent.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame;
      kind ||= KINDS.find((k) => k.test(url, functionName))?.kind ?? '';
      stage ||= STAGES.find((s) => s.test(url, functionName))?.stage ?? '';
    }
    known = { stage: stage || 'other', kind: kind || 'other JS' };
    memo.set(id, known);
    return known;
  };
  const stages = new Map<string, number>();
  const kinds = new Map<string, number>();
  let busyMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const { stage, kind } = classify(id);
    if (stage === 'idle') {
      idleMs += ms;
      return;
    }
    busyMs += ms;
    stages.set(stage, (stages.get(stage) ?? 0) + ms);
    kinds.set(kind, (kinds.get(kind) ?? 0) + ms);
  });
  return { stages, kinds, busyMs, idleMs };
}
