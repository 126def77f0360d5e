import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { API_KEYS_COLLECTION, createApiKey, revokeApiKey, type ApiKeyDocument } from '../../auth/apiKeys';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { paginate } from '../../services/pagination';
import { connectionComplexity } from '../../schema/complexity';
import { CreateApiKeyInput } from '../../schema/system/apiKey.input';
import { ApiKey, ApiKeyConnection, CreatedApiKey } from '../../schema/system/apiKey.type';

@ArgsType()
class ApiKeysArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;

  @Field({ nullable: true, defaultValue: false, description: 'Also list revoked keys' })
  includeRevoked?: boolean;
}

/** API key administration: the same operations as the CLI, for admins working remotely. */
@Resolver()
export class ApiKeyResolver {
  @Authorized(Role.ADMIN)
  @Query(() => ApiKeyConnection, { description: 'API keys, newest first', complexity: connectionComplexity })
  apiKeys(@Args() { first, after, includeRevoked }: ApiKeysArgs, @Ctx() { app }: GraphQLContext): Promise<ApiKeyConnection> {
    const filter = includeRevoked ? {} : { revokedAt: { $exists: false } };
    return paginate(app.db.collection<ApiKeyDocument>(API_KEYS_COLLECTION), filter, { first, after }, {
      sortField: 'createdAt',
      direction: -1,
      toNode: ApiKey.fromDocument,
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key; the key is in the answer and nowhere else' })
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() { app, principal }: GraphQLContext): Promise<CreatedApiKey> {
    const { key, apiKey } = await createApiKey(app.db, input);
    app.logger.info({ apiKeyId: apiKey._id, role: apiKey.role, createdBy: principal?.keyId }, 'API key created');
    return Object.assign(new CreatedApiKey(), { key, apiKey: ApiKey.fromDocument(apiKey) });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { app, principal }: GraphQLContext): Promise<ApiKey> {
    const revoked = await revokeApiKey(app.db, id);
    app.logger.info({ apiKeyId: id, revokedBy: principal?.keyId }, 'API key revoked');
    return ApiKey.fromDocument(revoked);
  }
}
