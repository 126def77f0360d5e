import type { WaveMessageDoc } from '../model';

/**
 * The values a message's templates are filled from (the SMS text at upload, the fallback e-mail
 * when it is sent): the row's columns, its first name (the fan's entry's when the row had none)
 * and its code (an offer code once generated).
 */
export function messageValues(
  message: Pick<WaveMessageDoc, 'fields' | 'firstName' | 'code'>,
  code = message.code,
): Record<string, string> {
  return { ...message.fields, firstname: message.firstName ?? '', code: code ?? '' };
}
