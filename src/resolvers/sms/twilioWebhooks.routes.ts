import express, { type Request, type Response, type Router } from 'express';
import { TWILIO_WEBHOOK_PATHS, type SmsPort, type SmsWebhookKind, type SmsWebhookParams } from '../../datasources/sms';
import { AppError, httpStatusOf } from '../../errors';
import type { Logger } from '../../logger';

export interface TwilioWebhookRouteOptions {
  sms: SmsPort;
  /** PUBLIC_BASE_URL: the address Twilio was given, which its signatures cover. */
  publicBaseUrl: string | undefined;
  logger: Logger;
}

/** Twilio's webhook bodies are a few form fields. */
const BODY_LIMIT = '64kb';

/** No reply from here: answers to STOP or HELP go out through the SMS port like any text. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * POST /webhooks/sms/twilio/status and /webhooks/sms/twilio/inbound: Twilio's status callbacks and
 * inbound texts, handed to the SMS port, which checks X-Twilio-Signature before anything else.
 * The URL checked is the one Twilio called: PUBLIC_BASE_URL followed by the request's path and
 * query. A bad signature answers 403, an engine without webhooks 404; a handler that failed
 * answers 500, and Twilio's retry brings the event again.
 */
export function mountTwilioWebhookRoutes(router: Router, options: TwilioWebhookRouteOptions): void {
  for (const kind of Object.keys(TWILIO_WEBHOOK_PATHS) as SmsWebhookKind[]) {
    router.post(
      TWILIO_WEBHOOK_PATHS[kind],
      express.urlencoded({ extended: false, limit: BODY_LIMIT }),
      async (req: Request, res: Response) => {
        try {
          const params = (req.body ?? {}) as SmsWebhookParams;
          await options.sms.handleWebhook(
            kind,
            calledUrl(req, options.publicBaseUrl),
            params,
            req.get('x-twilio-signature'),
          );
          if (kind === 'inbound') res.status(200).type('text/xml').send(EMPTY_TWIML);
          else res.status(204).end();
        } catch (error) {
          if (error instanceof AppError) {
            res.status(httpStatusOf(error.code)).json({ error: { code: error.code, message: error.message } });
            return;
          }
          options.logger.error({ err: error, kind }, 'Twilio webhook not handled');
          res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'The event was not handled' } });
        }
      },
    );
  }
}

function calledUrl(req: Request, publicBaseUrl: string | undefined): string {
  const base = publicBaseUrl ? publicBaseUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host')}`;
  return `${base}${req.originalUrl}`;
}
