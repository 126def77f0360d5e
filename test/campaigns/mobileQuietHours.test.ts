import {
  audienceOf,
  campaignOf,
  messagesOfWave,
  mobileCampaign,
  sendNow,
  startMobileServer,
  waitFor,
  waveOfCampaign,
  type MobileServer,
} from './mobileSupport';

const hourOf = (offset: number) => `${String((new Date().getUTCHours() + offset + 24) % 24).padStart(2, '0')}:00`;

describe("MOBILE campaigns keep quiet hours in each member's time zone", () => {
  let mobile: MobileServer;
  beforeAll(async () => {
    // quiet from an hour ago to two hours from now in UTC, the zone of members who have none
    mobile = await startMobileServer({
      WAVE_QUIET_HOURS: 'on',
      WAVE_QUIET_HOURS_START: hourOf(-1),
      WAVE_QUIET_HOURS_END: hourOf(2),
      MEMBER_TIME_ZONE: 'UTC',
    });
  });
  afterAll(() => mobile.stop());

  it('texts a member whose day it is; one in the quiet hours, or with no zone of its own, waits', async () => {
    const { audienceId } = await audienceOf(
      mobile,
      'Around the world',
      'email,name,phone,timeZone,smsConsent',
      'day@example.com,Day,+14155550140,Etc/GMT-12,yes',
      'night@example.com,Night,+14155550141,UTC,yes',
      'nozone@example.com,None,+14155550142,,yes',
    );
    const campaignId = await mobileCampaign(mobile, {
      audienceId,
      text: 'Hi {{name}}',
      sms: { sender: '+18005550199', senderKind: 'SHORT_CODE', messageType: 'PROMOTIONAL' },
    });
    await sendNow(mobile, campaignId);
    const wave = await waitFor(async () => {
      const current = await waveOfCampaign(mobile, campaignId);
      return current && current.counts.delivered === 1 ? current : null;
    });
    const messages = await messagesOfWave(mobile.app, wave._id);
    expect(messages.map((message) => [message.phone, message.timeZone, message.status])).toEqual([
      ['+14155550140', 'Etc/GMT-12', 'DELIVERED'],
      ['+14155550141', 'UTC', 'PENDING'],
      ['+14155550142', 'UTC', 'PENDING'],
    ]);
    expect((await campaignOf(mobile, campaignId)).status).toBe('SENDING');
    // the wave shows it finishes once the quiet hours end
    const end = new Date();
    end.setUTCHours(new Date().getUTCHours() + 2, 0, 0, 0);
    expect(wave.expectedFinishAt!.getTime()).toBeGreaterThanOrEqual(end.getTime());
    await mobile.ok('mutation($id: ID!) { cancelCampaign(id: $id) { status } }', { id: campaignId });
  });
});
