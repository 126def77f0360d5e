import { GraphQLError, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { admitQuery } from './admitQuery';
import type { QueryLimits } from './limits';

/** Distinct operation texts remembered; clients send the same few again and again. */
const MAX_ENTRIES = 1000;
/** Longer texts are checked every time rather than held in memory. */
const MAX_CACHED_LENGTH = 20_000;

export const isDocument = (checked: DocumentNode | readonly GraphQLError[]): checked is DocumentNode =>
  !Array.isArray(checked);

/**
 * Admits (within the query limits: see admitQuery.ts), parses and validates operation texts,
 * remembering the ones that passed (as Apollo Server's document store does for HTTP). A socket
 * client sends the same mutation for every lead it answers, and parse + validate cost more than
 * running it. A result depends only on the text, the schema, the limits and the rules, all fixed
 * for the server's life, so an entry never goes stale; errors are not remembered.
 */
export class ValidatedDocuments {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly limits: QueryLimits,
  ) {}

  check(query: string): DocumentNode | readonly GraphQLError[] {
    const known = this.documents.get(query);
    if (known) return known;
    const document = admitQuery(query, this.limits);
    if (document instanceof GraphQLError) return [document];
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return errors;
    if (query.length <= MAX_CACHED_LENGTH) this.remember(query, document);
    return document;
  }

  private remember(query: string, document: DocumentNode): void {
    // oldest entry out first: a Map iterates in insertion order
    if (this.documents.size >= MAX_ENTRIES) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(query, document);
  }
}
