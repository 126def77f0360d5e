import {
  API_KEYS_COLLECTION,
  createApiKey,
  revokeApiKey,
  type ApiKeyDocument,
  type CreateApiKeyInput,
} from '../../auth/apiKeys';
import type { Db } from '../../datasources/store';
import { paginate, type Page, type PageArgs } from '../pagination';

export interface ApiKeyPageArgs extends PageArgs {
  /** Also list revoked keys. */
  includeRevoked?: boolean | null;
}

/** API key administration over the app's store: the GraphQL fields and the CLI command. */
export class ApiKeys {
  constructor(private readonly db: Db) {}

  /** Keys newest first, keyset-paginated. */
  page<N>({ includeRevoked, ...page }: ApiKeyPageArgs, toNode: (doc: ApiKeyDocument) => N): Promise<Page<N>> {
    const filter = includeRevoked ? {} : { revokedAt: { $exists: false } };
    return paginate(this.db.collection<ApiKeyDocument>(API_KEYS_COLLECTION), filter, page, {
      sortField: 'createdAt',
      direction: -1,
      toNode,
    });
  }

  create(input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeyDocument }> {
    return createApiKey(this.db, input);
  }

  revoke(id: string): Promise<ApiKeyDocument> {
    return revokeApiKey(this.db, id);
  }
}
