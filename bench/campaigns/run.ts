import 'reflect-metadata';
import { rm } from 'node:fs/promises';
import { freezeBaseline, freezeBench } from './freezeBench';
import { importBaseline, importBench, importViaApiBench } from './importBench';
import { printResult, startRun } from '../support/runInfo';
import { benchStore, figures, intArg } from './support';
import { trackingBench } from './trackingBench';

/**
 * npm run bench:campaigns -- [--members 1000000] [--memberships 1000000] [--events 1000000]
 *   [--recipients 10000] [--connections 200] [--baseline 20000]
 * Embedded engine, one process (the tracking server in a child process). Each figure is printed
 * beside its one-at-a-time baseline measured in the same run. Targets: import >= 50,000 rows/s,
 * freeze >= 100,000 memberships/s, tracking >= 5,000 events/s.
 */
async function main(): Promise<void> {
  startRun();
  const members = intArg('members', 1_000_000);
  const memberships = intArg('memberships', Math.min(1_000_000, members * 2));
  const events = intArg('events', 1_000_000);
  const baseline = intArg('baseline', 20_000);
  console.log(
    `campaigns bench: ${members} members, ${memberships} memberships, ${events} tracking events (baselines on ${baseline})`,
  );
  const { store, dir } = await benchStore('main');
  try {
    await importBench(store.db, dir, members);
    await importBaseline(Math.min(baseline, members));
    await importViaApiBench(members);
    const { audienceIds } = await freezeBench(store.db, memberships);
    await freezeBaseline(store.db, audienceIds, Math.min(baseline, memberships));
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  await trackingBench(events, intArg('recipients', 10_000), intArg('connections', 200), baseline);
  printResult(figures);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
