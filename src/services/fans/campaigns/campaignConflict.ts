import { AppError } from '../../../errors';

/** A CONFLICT whose `reason` tells clients which rule of the campaign's life the request broke. */
export const campaignConflict = (message: string, reason: string, extra: Record<string, unknown> = {}) =>
  new AppError('CONFLICT', message, { reason, ...extra });
