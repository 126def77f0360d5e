import type { ObjectStore } from '../../../datasources/objects/port';

/**
 * Moves an object by copy then delete, so a crash leaves it in both places, never in neither:
 * run again, it copies again (the same bytes) and deletes. Done already (only `to` exists) is
 * not an error; neither existing is, as something else lost the object.
 */
export async function moveObject(objects: ObjectStore, from: string, to: string): Promise<'moved' | 'already'> {
  const source = await objects.get(from);
  if (!source) {
    if (await objects.exists(to)) return 'already';
    throw new Error(`cannot move ${from} to ${to}: neither exists`);
  }
  await objects.put(to, source.body, source.contentType);
  await objects.delete(from);
  return 'moved';
}
