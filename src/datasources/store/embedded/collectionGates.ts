import { gateFor, optionGate } from './optionGate';
import { INDEX_DESCRIPTION_FIELDS } from '../optionSupport';

/** Each method's options gate (optionSupport.ts), built once. */
export const gates = {
  insertOne: optionGate('collection.insertOne'),
  insertMany: optionGate('collection.insertMany'),
  bulkWrite: optionGate('collection.bulkWrite'),
  find: optionGate('collection.find'),
  findOne: optionGate('collection.findOne'),
  countDocuments: optionGate('collection.countDocuments'),
  count: optionGate('collection.count'),
  estimatedDocumentCount: optionGate('collection.estimatedDocumentCount'),
  distinct: optionGate('collection.distinct'),
  aggregate: optionGate('collection.aggregate'),
  updateOne: optionGate('collection.updateOne'),
  updateMany: optionGate('collection.updateMany'),
  replaceOne: optionGate('collection.replaceOne'),
  deleteOne: optionGate('collection.deleteOne'),
  deleteMany: optionGate('collection.deleteMany'),
  findOneAndUpdate: optionGate('collection.findOneAndUpdate'),
  findOneAndReplace: optionGate('collection.findOneAndReplace'),
  findOneAndDelete: optionGate('collection.findOneAndDelete'),
  createIndex: optionGate('collection.createIndex'),
  createIndexes: optionGate('collection.createIndexes'),
  indexDescription: gateFor('an index description of collection.createIndexes', INDEX_DESCRIPTION_FIELDS),
  indexes: optionGate('collection.indexes'),
  listIndexes: optionGate('collection.listIndexes'),
  indexExists: optionGate('collection.indexExists'),
  dropIndex: optionGate('collection.dropIndex'),
  drop: optionGate('collection.drop'),
  watch: optionGate('collection.watch'),
};
