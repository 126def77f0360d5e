import { FAN_ENTRIES } from '../../src/services/fans/model';
import { startTestServer, type TestServer } from '../support/server';
import { registration, storeCampaign } from './ingestSupport';
import { eventually } from './lakeWriterSupport';

describe('the fan ingest queue', () => {
  let server: TestServer;
  const queueName = 'fan-records-test';

  beforeAll(async () => {
    server = await startTestServer({ FAN_INGEST_QUEUE: queueName, JOB_POLL_WAIT_SECONDS: '1' });
    await storeCampaign(server.app.db, 'tour');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('ingests a record or an array of records per message; bad records are counted and never block the queue', async () => {
    const queue = server.app.ports.queue;
    await queue.send(queueName, { body: JSON.stringify(registration('tour', 'q1')) });
    await queue.send(queueName, {
      body: JSON.stringify([
        registration('tour', 'q2'),
        registration('tour', 'q3', { email: 'not an address' }),
        registration('elsewhere', 'q4'),
        registration('tour', 'q5', { marketPreferences: ['lon'] }),
      ]),
    });
    await queue.send(queueName, { body: 'this is not JSON' });

    const entries = server.app.db.collection(FAN_ENTRIES);
    await eventually(async () => {
      const stats = await queue.stats(queueName);
      return stats.visible + stats.inFlight === 0 && (await entries.countDocuments({ userId: /^q/ })) === 3;
    });
    expect((await entries.find({ userId: /^q/ }).toArray()).map((entry) => entry._id).sort()).toEqual([
      'tour:q1',
      'tour:q2',
      'tour:q5',
    ]);
    expect((await queue.stats(queueName)).deadLettered).toBe(0);
    const metrics = await server.app.metrics.metrics();
    expect(metrics).toMatch(/fan_records_accepted_total\{type="registration",source="queue"\} 3/);
    expect(metrics).toMatch(/fan_records_rejected_total\{type="registration",source="queue"\} 2/);
    expect(metrics).toMatch(/fan_records_rejected_total\{type="unknown",source="queue"\} 1/);
  });
});
