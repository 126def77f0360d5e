import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Db } from '../datasources/store';
import { badInput, notFound } from '../errors';
import { Role, type Principal } from './roles';

export const API_KEYS_COLLECTION = 'api_keys';

/** Every key starts with this, so a leaked key is recognisable in a secret scanner. */
const KEY_PREFIX = 'chk_';
/** Characters after KEY_PREFIX kept in clear to find the key's document without its hash. */
const LOOKUP_LENGTH = 10;

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
}

export interface CreateApiKeyInput {
  role: Role;
  name: string;
  agentId?: string;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
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

/**
 * Creates a key and stores its hash. The returned `key` is the only time the key exists in
 * clear: whoever asked must keep it.
 */
export async function createApiKey(db: Db, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeyDocument }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw badInput('name: 1 to 200 characters', 'name');
  if (input.role === Role.AGENT && !input.agentId) throw badInput('agentId: required for role AGENT', 'agentId');
  if (input.role !== Role.AGENT && input.agentId) throw badInput('agentId: only for role AGENT', 'agentId');
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const apiKey: ApiKeyDocument = {
    _id: randomUUID(),
    prefix: key.slice(0, KEY_PREFIX.length + LOOKUP_LENGTH),
    hash: sha256(key),
    role: input.role,
    name,
    ...(input.agentId ? { agentId: input.agentId } : {}),
    createdAt: new Date(),
  };
  await db.collection<ApiKeyDocument>(API_KEYS_COLLECTION).insertOne(apiKey);
  return { key, apiKey };
}

/** The principal a key stands for, or null when the key is unknown, malformed or revoked. */
export async function findPrincipalByKey(db: Db, key: string): Promise<Principal | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length < KEY_PREFIX.length + LOOKUP_LENGTH + 16) return null;
  const candidates = await db
    .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
    .find({ prefix: key.slice(0, KEY_PREFIX.length + LOOKUP_LENGTH) })
    .toArray();
  const presented = Buffer.from(sha256(key), 'hex');
  // Compare hashes in constant time so response timing says nothing about how close a guess was.
  const match = candidates.find((doc) => timingSafeEqual(Buffer.from(doc.hash, 'hex'), presented));
  if (!match || match.revokedAt) return null;
  return principalOf(match);
}

/** True while the key exists and is not revoked: long-lived sockets re-check it per operation. */
export async function isApiKeyLive(db: Db, keyId: string): Promise<boolean> {
  const doc = await db
    .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
    .findOne({ _id: keyId }, { projection: { revokedAt: 1 } });
  return doc !== null && !doc.revokedAt;
}

export function principalOf(doc: ApiKeyDocument): Principal {
  return { keyId: doc._id, name: doc.name, role: doc.role, ...(doc.agentId ? { agentId: doc.agentId } : {}) };
}

/** Marks a key revoked; it stops working on the next request. Revoking twice keeps the first date. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyDocument> {
  const keys = db.collection<ApiKeyDocument>(API_KEYS_COLLECTION);
  await keys.updateOne({ _id: id, revokedAt: { $exists: false } }, { $set: { revokedAt: new Date() } });
  const doc = await keys.findOne({ _id: id });
  if (!doc) throw notFound('API key', id);
  return doc;
}
