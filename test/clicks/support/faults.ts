import type { Collection, Db } from '../../../src/datasources/store';

/** A db whose `collection`'s `method` is replaced, to stop a step at a chosen write. */
export function withFault(
  db: Db,
  collection: string,
  method: string,
  fault: (real: Collection, args: unknown[]) => Promise<unknown>,
): Db {
  const bind = (target: object, prop: PropertyKey) => {
    const value = Reflect.get(target, prop);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'collection') return bind(target, prop);
      return (name: string) => {
        const real = target.collection(name);
        if (name !== collection) return real;
        return new Proxy(real, {
          get: (c, p) => (p === method ? (...args: unknown[]) => fault(real, args) : bind(c, p)),
        });
      };
    },
  });
}
