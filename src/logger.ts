import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line, whatever the level. */
const secretPaths = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'connectionParams.authorization',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  'uri',
  'mongodbUri',
  'config.MONGODB_URI',
  'config.TRACKING_SECRET',
];

export function createLogger(options: { level: string; name?: string } = { level: 'info' }): Logger {
  return pino({
    name: options.name ?? 'campaign-hub',
    level: options.level,
    redact: { paths: secretPaths, censor: '[redacted]' },
  });
}

/** A connection string with its credentials replaced, for messages that must name the target. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
