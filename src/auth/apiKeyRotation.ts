import type { Db } from '../datasources/store';
import { badInput, conflict, notFound } from '../errors';
import { API_KEYS_COLLECTION, createApiKey, hasExpired, type ApiKeyDocument } from './apiKeys';

/** Longest grace period a rotation gives the old key: 30 days. */
export const MAX_ROTATION_GRACE_SECONDS = 30 * 86_400;

export interface RotateApiKeyInput {
  /** How long the old key keeps working, 0 (not at all) to MAX_ROTATION_GRACE_SECONDS. */
  graceSeconds: number;
  /** When the new key expires (none by default). */
  expiresAt?: Date | null;
}

export interface RotatedApiKey {
  /** The new key, in clear: the only time it exists so. */
  key: string;
  apiKey: ApiKeyDocument;
  /** The old key as it is now: expiring at the end of the grace period (or earlier, if it already was). */
  previous: ApiKeyDocument;
}

/**
 * Replaces a key by a new one with the same name, role, agent and rate limits. The old key keeps
 * working for `graceSeconds`, then is refused as an expired key is (401, its sockets closed), so
 * its users can switch without a gap. The new key is stored first: a crash before the old key is
 * marked leaves the old key as it was. Rotating a revoked, expired or already rotated key is a
 * CONFLICT.
 */
export async function rotateApiKey(db: Db, id: string, input: RotateApiKeyInput): Promise<RotatedApiKey> {
  const { graceSeconds } = input;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
    throw badInput(`graceSeconds: an integer from 0 to ${MAX_ROTATION_GRACE_SECONDS}`, 'graceSeconds');
  }
  const keys = db.collection<ApiKeyDocument>(API_KEYS_COLLECTION);
  const old = await keys.findOne({ _id: id });
  if (!old) throw notFound('API key', id);
  if (old.revokedAt) throw conflict(`API key ${id} was revoked; create a new key instead`);
  if (hasExpired(old)) throw conflict(`API key ${id} has expired; create a new key instead`);
  if (old.replacedBy) throw conflict(`API key ${id} was already rotated; its replacement is ${old.replacedBy}`);
  const created = await createApiKey(
    db,
    {
      role: old.role,
      name: old.name,
      agentId: old.agentId,
      expiresAt: input.expiresAt,
      requestsPerMinute: old.requestsPerMinute,
      costPerMinute: old.costPerMinute,
    },
    old._id,
  );
  const graceEnd = new Date(Date.now() + graceSeconds * 1000);
  const expiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
  const marked = await keys.updateOne(
    { _id: id, revokedAt: { $exists: false }, replacedBy: { $exists: false } },
    { $set: { expiresAt, replacedBy: created.apiKey._id } },
  );
  if (marked.modifiedCount !== 1) {
    // Another rotation or a revocation came first: the key made here must not outlive this call.
    await keys.deleteOne({ _id: created.apiKey._id });
    throw conflict(`API key ${id} was rotated or revoked meanwhile`);
  }
  return { ...created, previous: { ...old, expiresAt, replacedBy: created.apiKey._id } };
}
