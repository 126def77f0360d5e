import { AppError, badInput, notFound } from '../../../errors';
import { campaignNotOpen, marketOf } from '../campaignDirectory';
import type { FanCampaignDoc } from '../model';
import type { RegistrationRecord } from '../records';

/**
 * Why a campaign takes no registration from this record, as the coded error registerFan answers:
 * NOT_FOUND for an unknown campaign, CONFLICT for one not OPEN or outside its registration window
 * (at the record's registeredAt), BAD_USER_INPUT for a market preference the campaign lacks.
 */
export function registrationRefusal(campaign: FanCampaignDoc | null, record: RegistrationRecord): AppError | null {
  if (!campaign) return notFound('Fan campaign', record.campaignId);
  if (campaign.status !== 'OPEN') return campaignNotOpen(campaign);
  const at = record.registeredAt;
  if (campaign.registrationOpensAt && at < campaign.registrationOpensAt.getTime()) {
    const opens = campaign.registrationOpensAt.toISOString();
    return new AppError('CONFLICT', `Fan campaign ${campaign._id} opens for registration at ${opens}`, {
      reason: 'REGISTRATION_NOT_OPEN',
    });
  }
  if (campaign.registrationClosesAt && at >= campaign.registrationClosesAt.getTime()) {
    const closed = campaign.registrationClosesAt.toISOString();
    return new AppError('CONFLICT', `Fan campaign ${campaign._id} closed registration at ${closed}`, {
      reason: 'REGISTRATION_CLOSED',
    });
  }
  const unknown = record.marketPreferences.find((marketId) => !marketOf(campaign, marketId));
  if (unknown !== undefined) {
    return badInput(
      `marketPreferences: ${JSON.stringify(unknown)} is not a market of fan campaign ${campaign._id}`,
      'marketPreferences',
    );
  }
  return null;
}
