import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config';
import { createSmsPort } from '../../../src/datasources/sms';
import type { Db } from '../../../src/datasources/store';

const deps = { queue: {} as never };
const db = {} as Db;
const twilioSettings = () => ({
  SMS_BACKEND: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
  TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
  PUBLIC_BASE_URL: 'https://hub.example.com',
});

describe('createSmsPort', () => {
  it('is the outbox by default, whatever MESSAGING_BACKEND is', () => {
    expect(createSmsPort(loadConfig({ MESSAGING_BACKEND: 'ses' }), db, deps).engine).toBe('outbox');
  });

  it('builds the aws and twilio engines from their settings', () => {
    expect(createSmsPort(loadConfig({ SMS_BACKEND: 'aws' }), db, deps).engine).toBe('aws');
    expect(createSmsPort(loadConfig(twilioSettings()), db, deps).engine).toBe('twilio');
  });

  it('refuses twilio without its account, token or public address, naming them', () => {
    const { TWILIO_AUTH_TOKEN: _token, PUBLIC_BASE_URL: _url, ...partial } = twilioSettings();
    expect(() => createSmsPort(loadConfig(partial), db, deps)).toThrow(
      'SMS_BACKEND=twilio needs TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL',
    );
  });

  it.each([
    [{ SMS_BACKEND: 'nexmo' }, 'SMS_BACKEND'],
    [{ SMS_OUTBOX_FAIL_RATE: '1.5' }, 'SMS_OUTBOX_FAIL_RATE'],
    [{ SMS_OUTBOX_FAIL_CODES: '30007,abc' }, 'SMS_OUTBOX_FAIL_CODES: Twilio error numbers separated by commas'],
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_ACCOUNT_SID: AC followed by 32 hexadecimal digits'],
    [{ SMS_AWS_EVENTS_QUEUE: 'sms events' }, 'SMS_AWS_EVENTS_QUEUE'],
  ])('refuses %j at start-up', (env, problem) => {
    expect(() => loadConfig(env)).toThrow(problem);
  });
});
