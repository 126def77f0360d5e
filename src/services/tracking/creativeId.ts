/**
 * The campaign id carried by a creative id of the form `cr_{campaignId}_{suffix}` or
 * `creative_{campaignId}_{suffix}`, or null.
 *
 * The seed matched /(?:cr_|creative_)?([a-z0-9-]+)_/i without anchors and then searched orders
 * with that text as an unanchored $regex, so "cr_abc_1" also reached campaign "xabcx": here the
 * whole id must match and the campaign id is compared exactly (case-insensitively) by the caller.
 * The suffix may itself contain underscores; the campaign id may not (it is [a-z0-9-]).
 */
export function parseCreativeCampaignId(creativeId: string): string | null {
  const match = /^(?:cr|creative)_([a-z0-9-]+)_[a-z0-9_-]+$/i.exec(creativeId);
  return match ? match[1] : null;
}
