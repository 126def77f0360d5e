import { isFinalStatus, isForward, smsKeyword, type SmsDeliveryStatus } from '../../../src/datasources/sms';

describe('isForward: statuses only move forward', () => {
  test.each<[SmsDeliveryStatus | undefined, SmsDeliveryStatus, boolean]>([
    [undefined, 'queued', true],
    [undefined, 'delivered', true],
    ['queued', 'sent', true],
    ['queued', 'delivered', true],
    ['queued', 'failed', true],
    ['sent', 'delivered', true],
    ['sent', 'undelivered', true],
    ['sent', 'failed', true],
    ['queued', 'queued', false],
    ['sent', 'sent', false],
    ['sent', 'queued', false],
    ['delivered', 'sent', false],
    ['delivered', 'queued', false],
    ['delivered', 'delivered', false],
    ['delivered', 'failed', false],
    ['undelivered', 'delivered', false],
    ['failed', 'delivered', false],
    ['failed', 'sent', false],
  ])('%s -> %s: %s', (from, to, expected) => {
    expect(isForward(from, to)).toBe(expected);
  });

  test('final statuses', () => {
    expect(['queued', 'sent', 'delivered', 'undelivered', 'failed'].filter((s) => isFinalStatus(s as never))).toEqual([
      'delivered',
      'undelivered',
      'failed',
    ]);
  });
});

describe('smsKeyword', () => {
  test.each([
    ['STOP', 'OPT_OUT'],
    [' stop ', 'OPT_OUT'],
    ['StopAll', 'OPT_OUT'],
    ['unsubscribe', 'OPT_OUT'],
    ['opt-out', 'OPT_OUT'],
    ['OPTOUT', 'OPT_OUT'],
    ['arret', 'OPT_OUT'],
    ['Revoke', 'OPT_OUT'],
    ['START', 'OPT_IN'],
    ['yes', 'OPT_IN'],
    ['unstop', 'OPT_IN'],
    ['HELP', 'HELP'],
    ['info', 'HELP'],
    ['stop it', null],
    ['Thanks!', null],
    ['', null],
  ])('%j -> %s', (body, keyword) => {
    expect(smsKeyword(body)).toBe(keyword);
  });
});
