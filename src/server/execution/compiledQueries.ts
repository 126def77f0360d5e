import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { BoundedLru } from './boundedLru';

export interface CompiledRequest {
  /** The document's text, which with the operation name keys its compiled form. */
  source: string;
  document: DocumentNode;
  operationName: string | null;
  variables: Record<string, unknown> | undefined;
  context: unknown;
}

/** A document's first request: remembered, not compiled yet. */
const SEEN_ONCE = Symbol('seen once');

/**
 * Queries compiled by graphql-jit into plain functions, kept in a bounded LRU by document text
 * and operation name: dashboards send the same few documents again and again, and a compiled
 * one runs its resolvers without graphql-js walking the document on each request. Compiling
 * costs several executions, so a document is compiled on its second request: one sent once
 * (a person's ad hoc query, or texts varied on purpose) never pays it. A document graphql-jit
 * refuses is remembered as such and left to graphql's own execute.
 */
export class CompiledQueries {
  private readonly compiled: BoundedLru<string, CompiledQuery | null | typeof SEEN_ONCE>;

  constructor(
    private readonly schema: GraphQLSchema,
    maxDocuments: number,
  ) {
    this.compiled = new BoundedLru(maxDocuments);
  }

  /** The request's answer, or null when the document is new or does not compile. */
  execute(request: CompiledRequest): Promise<ExecutionResult> | ExecutionResult | null {
    const compiled = this.compiledFor(request);
    return compiled ? compiled.query(undefined, request.context, request.variables ?? {}) : null;
  }

  private compiledFor({ source, document, operationName }: CompiledRequest): CompiledQuery | null {
    const key = `${operationName ?? ''}\n${source}`;
    const known = this.compiled.get(key);
    if (known === undefined) {
      this.compiled.set(key, SEEN_ONCE);
      return null;
    }
    if (known !== SEEN_ONCE) return known;
    let compiled: CompiledQuery | null;
    try {
      const result = compileQuery(this.schema, document, operationName ?? undefined);
      compiled = isCompiledQuery(result) ? result : null;
    } catch {
      compiled = null;
    }
    this.compiled.set(key, compiled);
    return compiled;
  }
}
