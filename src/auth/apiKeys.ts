import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Db } from '../datasources/store';
import { badInput, notFound } from '../errors';
import { Role, type Principal } from './roles';

export const API_KEYS_COLLECTION = 'api_keys';

/** Every key starts with this, so a leaked key is recognisable in a secret scanner. */
const KEY_PREFIX = 'chk_';
/** Characters after KEY_PREFIX kept in clear to find the key's document without its hash. */
const LOOKUP_LENGTH = 10;
/** lastUsedAt moves at most this often: a busy key costs a write a minute, not one per request. */
export const KEY_USE_INTERVAL_MS = 60_000;
/** Highest per-key rate limit a key may be given (requests or cost per minute). */
export const MAX_KEY_RATE_PER_MINUTE = 1_000_000_000;

/** The stored form of an API key: never the key itself, only its SHA-256. */
export interface ApiKeyDocument {
  _id: string;
  /** The key's first characters, in clear: finds the document and identifies the key to people. */
  prefix: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  role: Role;
  name: string;
  /** The agent this key acts as (role AGENT). */
  agentId?: string;
  createdAt: Date;
  revokedAt?: Date;
  /** The key stops working then: set at creation, or by a rotation's grace period. */
  expiresAt?: Date;
  /** Last request with the key, to the minute: written at most once a minute (keyUse.ts). */
  lastUsedAt?: Date;
  /** The key's own rate limits, in place of its role's. */
  requestsPerMinute?: number;
  costPerMinute?: number;
  /** The key this one replaced by rotation. */
  rotatedFrom?: string;
  /** The key that replaced this one by rotation. */
  replacedBy?: string;
}

export interface CreateApiKeyInput {
  role: Role;
  name: string;
  agentId?: string | null;
  expiresAt?: Date | null;
  requestsPerMinute?: number | null;
  costPerMinute?: number | null;
}

/** Every request hashes its key: the one-shot form costs a quarter of a Hash object. */
function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Accepts `admin` or `ADMIN`; BAD_USER_INPUT naming the allowed roles otherwise. */
export function parseRole(value: string): Role {
  const role = value.trim().toUpperCase();
  if ((Object.values(Role) as string[]).includes(role)) return role as Role;
  throw badInput(
    `role: one of ${Object.values(Role)
      .map((r) => r.toLowerCase())
      .join(', ')}`,
    'role',
  );
}

function checkRatePerMinute(value: number | null | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_KEY_RATE_PER_MINUTE) {
    throw badInput(`${field}: an integer from 1 to ${MAX_KEY_RATE_PER_MINUTE}`, field);
  }
  return value;
}

/**
 * Creates a key and stores its hash. The returned `key` is the only time the key exists in
 * clear: whoever asked must keep it. `rotatedFrom` links a key made by rotation to the old one.
 */
export async function createApiKey(
  db: Db,
  input: CreateApiKeyInput,
  rotatedFrom?: string,
): Promise<{ key: string; apiKey: ApiKeyDocument }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw badInput('name: 1 to 200 characters', 'name');
  if (input.role === Role.AGENT && !input.agentId) throw badInput('agentId: required for role AGENT', 'agentId');
  if (input.role !== Role.AGENT && input.agentId) throw badInput('agentId: only for role AGENT', 'agentId');
  const createdAt = new Date();
  if (input.expiresAt && !(input.expiresAt.getTime() > createdAt.getTime())) {
    throw badInput('expiresAt: a time in the future', 'expiresAt');
  }
  const requestsPerMinute = checkRatePerMinute(input.requestsPerMinute, 'requestsPerMinute');
  const costPerMinute = checkRatePerMinute(input.costPerMinute, 'costPerMinute');
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const apiKey: ApiKeyDocument = {
    _id: randomUUID(),
    prefix: key.slice(0, KEY_PREFIX.length + LOOKUP_LENGTH),
    hash: sha256(key),
    role: input.role,
    name,
    ...(input.agentId ? { agentId: input.agentId } : {}),
    createdAt,
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    ...(requestsPerMinute ? { requestsPerMinute } : {}),
    ...(costPerMinute ? { costPerMinute } : {}),
    ...(rotatedFrom ? { rotatedFrom } : {}),
  };
  await db.collection<ApiKeyDocument>(API_KEYS_COLLECTION).insertOne(apiKey);
  return { key, apiKey };
}

/** True once the key's expiry (from its creation or a rotation) has come. */
export function hasExpired(doc: Pick<ApiKeyDocument, 'expiresAt'>, now = Date.now()): boolean {
  return doc.expiresAt !== undefined && doc.expiresAt.getTime() <= now;
}

/** Keys whose lastUsedAt write is under way in this process: concurrent requests leave it to that one. */
const keyUseWrites = new Set<string>();

/**
 * Moves the key's lastUsedAt to now when it is a minute old or more. The write does not hold the
 * request up, and its condition makes it change the document once a minute whatever the number of
 * instances; a failed write is no reason to refuse the request.
 */
function recordKeyUse(db: Db, key: Pick<ApiKeyDocument, '_id' | 'lastUsedAt'>, now = new Date()): void {
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < KEY_USE_INTERVAL_MS) return;
  if (keyUseWrites.has(key._id)) return;
  keyUseWrites.add(key._id);
  const minuteAgo = new Date(now.getTime() - KEY_USE_INTERVAL_MS);
  void db
    .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
    .updateOne(
      { _id: key._id, $or: [{ lastUsedAt: { $exists: false } }, { lastUsedAt: { $lte: minuteAgo } }] },
      { $set: { lastUsedAt: now } },
    )
    .catch(() => undefined)
    .finally(() => keyUseWrites.delete(key._id));
}

const wellFormed = (key: string) => key.startsWith(KEY_PREFIX) && key.length >= KEY_PREFIX.length + LOOKUP_LENGTH + 16;

/** The stored key a presented key matches, revoked or not, or null. */
async function storedKey(db: Db, key: string, hash: string): Promise<ApiKeyDocument | null> {
  const candidates = await db
    .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
    .find({ prefix: key.slice(0, KEY_PREFIX.length + LOOKUP_LENGTH) })
    .toArray();
  const presented = Buffer.from(hash, 'hex');
  // Compare hashes in constant time so response timing says nothing about how close a guess was.
  return candidates.find((doc) => timingSafeEqual(Buffer.from(doc.hash, 'hex'), presented)) ?? null;
}

/** A live key's principal (its use recorded), or null when it is revoked or expired. */
function principalIfLive(db: Db, doc: ApiKeyDocument | null): Principal | null {
  if (!doc || doc.revokedAt || hasExpired(doc)) return null;
  recordKeyUse(db, doc);
  return principalOf(doc);
}

/** The principal a key stands for, or null when the key is unknown, malformed, revoked or expired. */
export async function findPrincipalByKey(db: Db, key: string): Promise<Principal | null> {
  if (!wellFormed(key)) return null;
  return principalIfLive(db, await storedKey(db, key, sha256(key)));
}

/** Live keys a lookup remembers at most (the oldest is forgotten first). */
const REMEMBERED_KEYS = 10_000;

/**
 * Finds the principals of presented keys as findPrincipalByKey does, remembering the live keys
 * it found while the keys' collection has not changed since: a request with a known key reads
 * nothing from the store. Any change to the collection (a revocation, a new key, a key's use
 * recorded once a minute) makes every remembered key be read again, so a revoked key is refused
 * from the request after the revocation commits (on MongoDB, once its change stream delivers
 * it: milliseconds). Expiry is checked at each use. Unknown keys are never remembered.
 */
export class ApiKeyLookup {
  /** By the key's SHA-256: the stored key and the collection's position when it was read. */
  private readonly live = new Map<string, { doc: ApiKeyDocument; position: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: { position(collection: string): number | undefined },
  ) {}

  async principal(key: string): Promise<Principal | null> {
    if (!wellFormed(key)) return null;
    const hash = sha256(key);
    // read before the document: a change committed meanwhile moves it past what is remembered
    const position = this.clock.position(API_KEYS_COLLECTION);
    const held = this.live.get(hash);
    if (held && position !== undefined && held.position === position) return principalIfLive(this.db, held.doc);
    const doc = await storedKey(this.db, key, hash);
    const principal = principalIfLive(this.db, doc);
    this.live.delete(hash);
    if (principal && position !== undefined) {
      if (this.live.size >= REMEMBERED_KEYS) this.live.delete(this.live.keys().next().value!);
      this.live.set(hash, { doc: doc!, position });
    }
    return principal;
  }
}

/**
 * True while the key exists, is not revoked and has not expired: long-lived sockets re-check it
 * per operation (which also counts as a use of the key).
 */
export async function isApiKeyLive(db: Db, keyId: string): Promise<boolean> {
  const doc = await db
    .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
    .findOne({ _id: keyId }, { projection: { revokedAt: 1, expiresAt: 1, lastUsedAt: 1 } });
  if (doc === null || doc.revokedAt || hasExpired(doc)) return false;
  recordKeyUse(db, { _id: keyId, lastUsedAt: doc.lastUsedAt });
  return true;
}

export function principalOf(doc: ApiKeyDocument): Principal {
  return {
    keyId: doc._id,
    name: doc.name,
    role: doc.role,
    ...(doc.agentId ? { agentId: doc.agentId } : {}),
    ...(doc.expiresAt ? { expiresAt: doc.expiresAt } : {}),
    ...(doc.requestsPerMinute ? { requestsPerMinute: doc.requestsPerMinute } : {}),
    ...(doc.costPerMinute ? { costPerMinute: doc.costPerMinute } : {}),
  };
}

/** Marks a key revoked; it stops working on the next request. Revoking twice keeps the first date. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyDocument> {
  const keys = db.collection<ApiKeyDocument>(API_KEYS_COLLECTION);
  await keys.updateOne({ _id: id, revokedAt: { $exists: false } }, { $set: { revokedAt: new Date() } });
  const doc = await keys.findOne({ _id: id });
  if (!doc) throw notFound('API key', id);
  return doc;
}
