import { AppError } from '../../../errors';
import type { FanEntryDoc } from '../model';
import type { FanIngest } from './fanIngest';
import type { FanRegistrations } from './registrations';

/** A registration as an operator enters it: registered now, SMS consent (if any) given now. */
export interface FanRegistrationInput {
  campaignId: string;
  userId: string;
  email: string;
  phone?: string | null;
  firstName?: string | null;
  marketPreferences: string[];
  smsConsentSource?: string | null;
}

/**
 * One registration through the ingestion (same checks, pipeline, lake and metrics as the bulk
 * endpoint), answered with the fan's entry or the coded error of its rejection: BAD_USER_INPUT
 * (naming the field), NOT_FOUND (unknown campaign) or CONFLICT (campaign not open for registration).
 */
export async function registerFan(
  deps: { ingest: FanIngest; registrations: FanRegistrations },
  input: FanRegistrationInput,
): Promise<FanEntryDoc> {
  const now = Date.now();
  const record = {
    type: 'registration',
    ...input,
    registeredAt: now,
    smsConsentAt: input.smsConsentSource?.trim() ? now : null,
  };
  const { rejections } = await deps.ingest.ingest([{ line: 1, value: record }], 'graphql');
  const rejection = rejections[0];
  if (rejection) {
    throw new AppError(
      rejection.code ?? 'BAD_USER_INPUT',
      rejection.reason,
      rejection.field ? { field: rejection.field } : {},
    );
  }
  const entry = await deps.registrations.entry(input.campaignId.trim(), input.userId.trim());
  if (!entry) throw new AppError('INTERNAL_SERVER_ERROR', 'The registration was accepted but its entry is missing');
  return entry;
}
