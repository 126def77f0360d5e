export type {
  AnyBulkWriteOperation,
  BulkWriteResult,
  ChangeStream,
  ChangeStreamDocument,
  Collection,
  CreateIndexesOptions,
  Db,
  Document,
  Filter,
  IndexSpecification,
  Sort,
  UpdateFilter,
} from 'mongodb';
export { ObjectId } from 'bson';
