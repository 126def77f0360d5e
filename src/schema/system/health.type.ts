import { DateTime } from '../dateTime';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

export enum StoreEngine {
  EMBEDDED = 'EMBEDDED',
  MONGODB = 'MONGODB',
}

registerEnumType(StoreEngine, { name: 'StoreEngine', description: 'Which engine holds the documents' });

@ObjectType({ description: 'Liveness of this instance, readable without an API key' })
export class Health {
  @Field({ description: 'OK when the store answers a ping, UNAVAILABLE otherwise' })
  status!: string;

  @Field(() => StoreEngine)
  storeEngine!: StoreEngine;

  @Field(() => Float, { description: 'Seconds since this process started' })
  uptimeSeconds!: number;

  @Field(() => DateTime, { description: "This instance's clock" })
  serverTime!: Date;
}
