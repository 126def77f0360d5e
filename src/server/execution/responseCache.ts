import type { DocumentNode } from 'graphql';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ChangeClock } from '../../datasources/store';
import { BoundedLru } from './boundedLru';
import type { CachedDocument } from './cachedDocuments';
import { documentKey, documentKeyOfText, stableJson } from './documentKey';

export interface ResponseCacheOptions {
  documents: readonly CachedDocument[];
  clock: ChangeClock;
  maxEntries: number;
  maxBytes: number;
  registry: Registry;
}

type Answer = Record<string, unknown>;

/** An answer being computed: requests for the same key and positions meanwhile wait for it. */
interface Computation {
  stamp: number[];
  /** When its computation began (ms since the epoch). */
  at: number;
  answer: Promise<Answer | null>;
  resolve(answer: Answer | null): void;
}

/** What a miss hands over to be settled once its answer is known. */
export interface PendingAnswer {
  key: string;
  document: CachedDocument;
  /** The positions of the document's collections when computing began. */
  stamp: number[];
  computation: Computation;
}

interface Entry {
  stamp: number[];
  /** When its computation began (ms since the epoch). */
  at: number;
  data: Answer;
}

type Lookup = { data: Answer } | { computing: Promise<Answer | null> } | { pending: PendingAnswer } | null;

/**
 * Answers of allowlisted documents (cachedDocuments.ts), shared by every caller of one role and
 * kept by document, variables and role. Each answer carries the change positions of the
 * collections its document reads, taken when its computation began, and is served only while
 * none of them has moved: so no caller sees a figure older than the last committed change it
 * depends on. A document whose answer also moves with the clock (an age, a series up to now) is
 * kept no longer than its `maxAgeMs` besides. Bounded in entries and in bytes (of the answers'
 * JSON).
 */
export class ResponseCache {
  private readonly byDocument = new WeakMap<DocumentNode, CachedDocument | null>();
  private readonly byKey: Map<string, CachedDocument>;
  private readonly entries: BoundedLru<string, Entry>;
  private readonly computing = new Map<string, Computation>();
  /** The JSON of each kept answer, written once: every caller it is served to gets these bytes. */
  private readonly json = new WeakMap<Answer, string>();
  private readonly clock: ChangeClock;
  private readonly hits: Counter<'operation'>;
  private readonly misses: Counter<'operation'>;
  private readonly invalidations: Counter<'operation'>;

  constructor(options: ResponseCacheOptions) {
    this.byKey = new Map(options.documents.map((document) => [documentKeyOfText(document.text), document]));
    this.entries = new BoundedLru(options.maxEntries, options.maxBytes);
    this.clock = options.clock;
    const registers = [options.registry];
    const labelNames = ['operation'] as const;
    this.hits = new Counter({
      name: 'graphql_response_cache_hits_total',
      help: 'Answers served from the response cache',
      labelNames,
      registers,
    });
    this.misses = new Counter({
      name: 'graphql_response_cache_misses_total',
      help: 'Allowlisted operations computed (no answer kept, or a stale one)',
      labelNames,
      registers,
    });
    this.invalidations = new Counter({
      name: 'graphql_response_cache_invalidations_total',
      help: 'Kept answers dropped because a collection they read changed',
      labelNames,
      registers,
    });
    const entries = this.entries;
    new Gauge({
      name: 'graphql_response_cache_entries',
      help: 'Answers in the response cache',
      registers,
      collect() {
        this.set(entries.size);
      },
    });
    new Gauge({
      name: 'graphql_response_cache_bytes',
      help: 'JSON bytes of the answers in the response cache',
      registers,
      collect() {
        this.set(entries.bytes);
      },
    });
  }

  /** The allowlisted document `document` is, or null. Apollo hands the same parsed document for the same text, so this is worked out once per text. */
  private allowlisted(document: DocumentNode): CachedDocument | null {
    let known = this.byDocument.get(document);
    if (known === undefined) {
      known = this.byKey.get(documentKey(document)) ?? null;
      this.byDocument.set(document, known);
    }
    return known;
  }

  /**
   * For an admitted operation: its kept answer when still current; else the answer another
   * request began computing at the same positions, which is as current (null if that one
   * fails); else what to settle its own answer with. Null when the document is not allowlisted
   * or a collection's changes cannot be followed right now.
   */
  lookup(
    document: DocumentNode,
    operationName: string | null,
    variables: Record<string, unknown> | undefined,
    role: string,
  ): Lookup {
    const cached = this.allowlisted(document);
    if (!cached) return null;
    const stamp = this.positions(cached);
    if (!stamp) return null;
    const operation = { operation: cached.name };
    const key = `${cached.name}\n${operationName ?? ''}\n${role}\n${stableJson(variables ?? {})}`;
    const now = Date.now();
    const current = (held: { stamp: number[]; at: number }) =>
      sameStamp(held.stamp, stamp) && now - held.at <= (cached.maxAgeMs ?? Number.POSITIVE_INFINITY);
    const entry = this.entries.get(key);
    if (entry && current(entry)) {
      this.hits.inc(operation);
      return { data: entry.data };
    }
    if (entry) {
      this.entries.delete(key);
      this.invalidations.inc(operation);
    }
    const running = this.computing.get(key);
    if (running && current(running)) {
      this.hits.inc(operation);
      return { computing: running.answer };
    }
    this.misses.inc(operation);
    let resolve: Computation['resolve'] = () => {};
    const answer = new Promise<Answer | null>((settle) => (resolve = settle));
    const computation = { stamp, at: now, answer, resolve };
    this.computing.set(key, computation);
    return { pending: { key, document: cached, stamp, computation } };
  }

  /**
   * Hands a computed answer (null: it had errors) to the requests waiting for it, and keeps it
   * when it succeeded, unless a collection it read changed while it was computed.
   */
  settle(pending: PendingAnswer, data: Answer | null): void {
    pending.computation.resolve(data);
    if (this.computing.get(pending.key) === pending.computation) this.computing.delete(pending.key);
    const now = this.positions(pending.document);
    if (!data || !now || !sameStamp(now, pending.stamp)) return;
    const json = JSON.stringify(data);
    this.json.set(data, json);
    this.entries.set(
      pending.key,
      { stamp: pending.stamp, at: pending.computation.at, data },
      Buffer.byteLength(json) + pending.key.length,
    );
  }

  /**
   * A response's body as Apollo writes it (JSON and a new line): for a kept answer without
   * errors or extensions, from its JSON written when it was kept.
   */
  stringify(result: { data?: unknown; errors?: unknown; extensions?: unknown }): string {
    const kept =
      result.errors === undefined && result.extensions === undefined && result.data
        ? this.json.get(result.data as Answer)
        : undefined;
    return kept === undefined ? `${JSON.stringify(result)}\n` : `{"data":${kept}}\n`;
  }

  private positions(document: CachedDocument): number[] | null {
    const stamp: number[] = [];
    for (const collection of document.collections) {
      const position = this.clock.position(collection);
      if (position === undefined) return null;
      stamp.push(position);
    }
    return stamp;
  }
}

function sameStamp(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((position, i) => position === b[i]);
}
