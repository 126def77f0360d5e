import type {
  AggregationCursor as MongoAggregationCursor,
  ChangeStream as MongoChangeStream,
  Collection as MongoCollection,
  Db as MongoDb,
  FindCursor as MongoFindCursor,
} from 'mongodb';
import type { AggregationCursor, ChangeStream, Collection, Db, FindCursor } from '../../../src/datasources/store';

/**
 * The store port is a subset of the MongoDB driver's API: the driver's own objects must fit it,
 * so production hands `client.db(name)` over with no wrapper. Checked by `npm run typecheck`.
 */
type Assignable<From, To> = [From] extends [To] ? true : false;

interface Order {
  _id: string;
  total: number;
}

const driverFitsThePort: [
  Assignable<MongoDb, Db>,
  Assignable<MongoCollection, Collection>,
  Assignable<MongoCollection<Order>, Collection<Order>>,
  Assignable<MongoFindCursor<Order>, FindCursor<Order>>,
  Assignable<MongoAggregationCursor<Order>, AggregationCursor<Order>>,
  Assignable<MongoChangeStream<Order>, ChangeStream<Order>>,
] = [true, true, true, true, true, true];

describe('store port', () => {
  it('is met by the MongoDB driver (checked by the compiler)', () => {
    expect(driverFitsThePort.every(Boolean)).toBe(true);
  });
});
