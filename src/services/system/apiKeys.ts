import { rotateApiKey, type RotateApiKeyInput, type RotatedApiKey } from '../../auth/apiKeyRotation';
import {
  API_KEYS_COLLECTION,
  createApiKey,
  revokeApiKey,
  type ApiKeyDocument,
  type CreateApiKeyInput,
} from '../../auth/apiKeys';
import type { Db, Filter } from '../../datasources/store';
import { paginate, type Page, type PageArgs } from '../pagination';

export interface ApiKeyPageArgs extends PageArgs {
  /** Also list revoked and expired keys. */
  includeRevoked?: boolean | null;
}

/** API key administration over the app's store: the GraphQL fields and the CLI commands. */
export class ApiKeys {
  constructor(private readonly db: Db) {}

  /** Keys newest first, keyset-paginated. */
  page<N>({ includeRevoked, ...page }: ApiKeyPageArgs, toNode: (doc: ApiKeyDocument) => N): Promise<Page<N>> {
    const filter: Filter<ApiKeyDocument> = includeRevoked
      ? {}
      : {
          revokedAt: { $exists: false },
          $or: [{ expiresAt: { $exists: false } }, { expiresAt: { $gt: new Date() } }],
        };
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

  rotate(id: string, input: RotateApiKeyInput): Promise<RotatedApiKey> {
    return rotateApiKey(this.db, id, input);
  }
}
