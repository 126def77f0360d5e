import { SmsSendError, type SmsErrorReason } from '../port';

interface SdkError {
  name?: string;
  message?: string;
  Reason?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** ConflictException reasons that concern this recipient rather than the account's set-up. */
const RECIPIENT_CONFLICTS: Record<string, SmsErrorReason> = {
  DESTINATION_PHONE_NUMBER_OPTED_OUT: 'OPTED_OUT',
  DESTINATION_PHONE_NUMBER_NOT_VERIFIED: 'INVALID_RECIPIENT',
  DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE: 'REJECTED',
  DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION: 'REJECTED',
};

function reasonOf(error: SdkError): SmsErrorReason {
  switch (error.name) {
    case 'ConflictException':
      return RECIPIENT_CONFLICTS[error.Reason ?? ''] ?? 'CONFIGURATION';
    case 'ValidationException':
      return 'REJECTED';
    case 'ThrottlingException':
      return 'THROTTLED';
    case 'InternalServerException':
      return 'PROVIDER_ERROR';
    case 'AccessDeniedException':
    case 'ResourceNotFoundException':
    case 'ServiceQuotaExceededException':
      return 'CONFIGURATION';
    default:
      return error.$fault === 'server'
        ? 'PROVIDER_ERROR'
        : error.$metadata?.httpStatusCode
          ? 'CONFIGURATION'
          : 'NETWORK';
  }
}

/**
 * SendTextMessage's exceptions as an SmsSendError. Only an answer from the service proves no
 * message was made: a server fault or no answer at all (timeout, reset) may have sent it.
 */
export function awsSendError(cause: unknown): SmsSendError {
  const error = (cause ?? {}) as SdkError;
  const reason = reasonOf(error);
  const httpStatus = error.$metadata?.httpStatusCode;
  const answered = httpStatus !== undefined && error.$fault !== 'server';
  const code = error.Reason ? `${error.name}:${error.Reason}` : (error.name ?? 'Error');
  return new SmsSendError(
    `End User Messaging SMS did not take the text: ${code}: ${error.message ?? ''}`,
    {
      code,
      reason,
      mayHaveSent: !answered,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
    },
    { cause },
  );
}
