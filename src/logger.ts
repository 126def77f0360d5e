import pino, { type DestinationStream, type Logger } from 'pino';

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

export function createLogger(
  options: { level: string; name?: string; destination?: DestinationStream } = { level: 'info' },
): Logger {
  const settings = {
    name: options.name ?? 'campaign-hub',
    level: options.level,
    redact: { paths: secretPaths, censor: '[redacted]' },
  };
  // The CLI logs to stderr so a command's own output (an API key, a schema) stays alone on stdout.
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A connection string with its credentials replaced, for messages that must name the target. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
