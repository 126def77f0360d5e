import type { IndexDeclaration } from '../datasources/store/indexes';

/** Indexes of the API keys collection. */
export const apiKeyIndexes: IndexDeclaration[] = [
  // A presented key is found by its clear prefix, then its hash compared.
  { collection: 'api_keys', key: { prefix: 1 } },
  // apiKeys(first, after) for admins, newest first.
  { collection: 'api_keys', key: { createdAt: -1, _id: -1 } },
];
