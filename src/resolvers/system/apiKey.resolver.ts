import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { CreateApiKeyInput } from '../../schema/system/apiKey.input';
import { ApiKey, ApiKeyConnection, CreatedApiKey } from '../../schema/system/apiKey.type';
import type { SystemServices } from '../../services/system/systemServices';

@ArgsType()
class ApiKeysArgs extends PageArgs {
  @Field({ nullable: true, defaultValue: false, description: 'Also list revoked keys' })
  includeRevoked?: boolean;
}

/** API key administration: the same operations as the CLI, for admins working remotely. */
@Resolver()
export class ApiKeyResolver {
  constructor(private readonly services: SystemServices) {}

  @Authorized(Role.ADMIN)
  @Query(() => ApiKeyConnection, { description: 'API keys, newest first', complexity: connectionComplexity })
  apiKeys(@Args() { first, after, includeRevoked }: ApiKeysArgs): Promise<ApiKeyConnection> {
    return this.services.apiKeys.page({ first, after, includeRevoked }, ApiKey.fromDocument);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key; the key is in the answer and nowhere else' })
  async createApiKey(
    @Arg('input') input: CreateApiKeyInput,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<CreatedApiKey> {
    const { key, apiKey } = await this.services.apiKeys.create(input);
    const createdBy = principal?.keyId;
    this.services.logger.info({ apiKeyId: apiKey._id, role: apiKey.role, createdBy }, 'API key created');
    return Object.assign(new CreatedApiKey(), { key, apiKey: ApiKey.fromDocument(apiKey) });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiKey, { description: 'Revokes an API key at once' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { principal }: GraphQLContext): Promise<ApiKey> {
    const revoked = await this.services.apiKeys.revoke(id);
    this.services.logger.info({ apiKeyId: id, revokedBy: principal?.keyId }, 'API key revoked');
    return ApiKey.fromDocument(revoked);
  }
}
