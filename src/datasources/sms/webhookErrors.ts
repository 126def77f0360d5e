import { AppError } from '../../errors';

/** What the outbox and aws engines answer to a webhook: only Twilio calls back over HTTP. */
export const webhooksNotTaken = (engine: string) =>
  new AppError('NOT_FOUND', `SMS_BACKEND=${engine} takes no provider webhooks`);

/** A webhook whose X-Twilio-Signature is missing or wrong: answered 403, nothing changed. */
export const badSignature = (missing: boolean) =>
  new AppError('FORBIDDEN', missing ? 'X-Twilio-Signature is missing' : 'X-Twilio-Signature does not match');
