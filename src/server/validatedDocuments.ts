import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

/** Distinct operation texts remembered; clients send the same few again and again. */
const MAX_ENTRIES = 1000;
/** Longer texts are checked every time rather than held in memory. */
const MAX_CACHED_LENGTH = 20_000;

export const isDocument = (checked: DocumentNode | readonly GraphQLError[]): checked is DocumentNode => !Array.isArray(checked);

/**
 * Parses and validates operation texts, remembering the ones that passed (as Apollo Server's
 * document store does for HTTP). A socket client sends the same mutation for every lead it
 * answers, and parse + validate cost more than running it. A result depends only on the text,
 * the schema and the rules, all fixed for the server's life, so an entry never goes stale;
 * errors are not remembered.
 */
export class ValidatedDocuments {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
  ) {}

  check(query: string): DocumentNode | readonly GraphQLError[] {
    const known = this.documents.get(query);
    if (known) return known;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed')];
    }
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
