import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../context';
import { Health, StoreEngine } from '../../schema/system/health.type';
import { Viewer } from '../../schema/system/viewer.type';
import type { SystemServices } from '../../services/system/systemServices';

@Resolver()
export class SystemResolver {
  constructor(private readonly services: SystemServices) {}

  @Query(() => Health, {
    description: 'Is this instance up and its store reachable (checked at most once a second)? Public.',
  })
  async health(): Promise<Health> {
    const reachable = await this.services.health.recentPing();
    return Object.assign(new Health(), {
      status: reachable ? 'OK' : 'UNAVAILABLE',
      storeEngine: this.services.storeEngine === 'mongodb' ? StoreEngine.MONGODB : StoreEngine.EMBEDDED,
      uptimeSeconds: Math.round(process.uptime() * 1000) / 1000,
      serverTime: new Date(),
    });
  }

  @Authorized()
  @Query(() => Viewer, { description: 'Who the API key in use belongs to' })
  me(@Ctx() { principal }: GraphQLContext): Viewer {
    // @Authorized() guarantees a principal here.
    const caller = principal!;
    return Object.assign(new Viewer(), {
      keyId: caller.keyId,
      name: caller.name,
      role: caller.role,
      agentId: caller.agentId,
      anonymous: caller.anonymous ?? false,
    });
  }
}
