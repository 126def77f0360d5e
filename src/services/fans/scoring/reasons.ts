/**
 * Why a scored row is not kept as an undecided fan: the `reason` column of the scrubbed file
 * and the entries' verdictReason. A row takes the first that applies, in this order.
 */
export const SCRUB_REASONS = [
  /** Fewer columns than the header, or no campaignId or userId. */
  'INVALID_ROW',
  /** The score is not a number in [0, 1]. */
  'INVALID_SCORE',
  /** No fan campaign has this id. */
  'UNKNOWN_CAMPAIGN',
  /** The upload named a campaign and the row is of another. */
  'WRONG_CAMPAIGN',
  /** Another row of the same fan has a higher score (or the same score, earlier in the file). */
  'DUPLICATE',
  /** The fan has no entry for the campaign. */
  'NOT_REGISTERED',
  /** The fan is selected already (verdict true, a code given): the entry stays as it is. */
  'ALREADY_SELECTED',
  /** The e-mail is not an address. */
  'INVALID_EMAIL',
  /** The e-mail's mailbox is blacklisted. */
  'BLACKLISTED_EMAIL',
  /** The e-mail's domain, or a parent domain, is blacklisted. */
  'BLACKLISTED_DOMAIN',
  /** The phone number is not a valid number (an empty phone is fine). */
  'INVALID_PHONE',
] as const;

export type ScrubReason = (typeof SCRUB_REASONS)[number];

/**
 * Reasons that leave a row out of scoring: no entry, no usable score, or another row of the fan
 * scored it. Rows with any other reason (or none) are applied to their entry.
 */
export const UNSCORED_REASONS: ReadonlySet<string> = new Set<ScrubReason>([
  'INVALID_ROW',
  'INVALID_SCORE',
  'UNKNOWN_CAMPAIGN',
  'WRONG_CAMPAIGN',
  'DUPLICATE',
  'NOT_REGISTERED',
  'ALREADY_SELECTED',
]);
