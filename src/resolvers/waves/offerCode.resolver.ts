import { Arg, Authorized, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { OfferCode } from '../../schema/waves/offerCode.type';
import type { WaveServices } from '../../services/waves/services';

/** Offer codes handed out by waves, as the offer-code registry holds them. */
@Resolver(() => OfferCode)
export class OfferCodeResolver {
  constructor(private readonly services: WaveServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => OfferCode, {
    description: 'Whether a code was issued by a wave, for which campaign and fan, and whether it was redeemed',
  })
  async offerCode(@Arg('code') code: string): Promise<OfferCode> {
    return OfferCode.of(code, await this.services.offerCodes.lookup(code));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => OfferCode, {
    description: 'Marks an offer code redeemed (the first time stays); exists false when unknown',
  })
  async redeemOfferCode(@Arg('code') code: string): Promise<OfferCode> {
    return OfferCode.of(code, await this.services.offerCodes.redeem(code));
  }
}
