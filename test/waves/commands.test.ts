import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wavesFeature } from '../../src/features/waves';
import { WAVES, type WaveDoc } from '../../src/services/waves/model';
import { DEMO_WAVE_CAMPAIGN, DEMO_WAVE_NAME } from '../../src/services/waves/demo/demoWave';
import { csv, messagesOf, soon, startWaveServer, storeCampaign, waveDoc, type WaveServer } from './waveSupport';

describe('wave CLI command and demo', () => {
  let waves: WaveServer;
  let dir: string;
  const run = async (positional: string[], flags: Record<string, string | boolean> = {}) => {
    let printed = '';
    const command = wavesFeature.commands!.wave!;
    const code = await command.run(waves.app, flags, positional, waves.services, {
      write: (text) => (printed += text),
    });
    return { code, printed };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wave-cli-'));
    waves = await startWaveServer();
    await storeCampaign(waves.app, 'tour');
  });
  afterAll(async () => {
    await waves.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads, schedules, shows, pauses and cancels a wave from a shell', async () => {
    const file = join(dir, 'fans.csv');
    await writeFile(file, csv('userId,phone,market', 'u1,(212) 555-0101,nyc', 'u2,(212) 555-0102,mars'));
    const config = {
      campaign: 'tour',
      notify: soon(),
      template: 'Presale at noon',
      sender: '+15555550100',
      type: 'TRANSACTIONAL',
    };
    const upload = await run(['upload'], { file, ...config, wait: true });
    expect(upload.code).toBe(0);
    const { result } = JSON.parse(upload.printed);
    expect(result).toMatchObject({ kept: 1, rejected: 1 });
    const scheduled = await run(['schedule', result.waveId]);
    expect(JSON.parse(scheduled.printed)).toMatchObject({ id: result.waveId, status: 'SCHEDULED', rejectCount: 1 });
    expect(JSON.parse((await run(['show', result.waveId])).printed).counts.total).toBe(1);
    await expect(run(['pause', result.waveId])).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(JSON.parse((await run(['cancel', result.waveId])).printed).status).toBe('CANCELLED');
    await expect(run(['upload'], { file, ...config, rate: '5' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expect(run(['launch', result.waveId])).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it("schedules the demo wave of the demo tour's fans soon, once", async () => {
    await waves.server.demo(wavesFeature);
    await waves.server.demo(wavesFeature);
    const demoWaves = await waves.app.db
      .collection<WaveDoc>(WAVES)
      .find({ 'config.campaignId': DEMO_WAVE_CAMPAIGN })
      .toArray();
    expect(demoWaves).toHaveLength(1);
    const wave = await waveDoc(waves.app, demoWaves[0]!._id);
    expect(wave).toMatchObject({ name: DEMO_WAVE_NAME, status: 'SCHEDULED', codesGenerated: true, rejectCount: 0 });
    expect(wave!.config.notifyDate.getTime() - Date.now()).toBeLessThanOrEqual(2 * 60_000);
    const messages = await messagesOf(waves.app, wave!._id);
    expect(messages).toHaveLength(5);
    expect(messages.filter((message) => message.phone === null).map((message) => message.email)).toEqual([
      'eli.demo@example.com',
    ]);
  });
});
