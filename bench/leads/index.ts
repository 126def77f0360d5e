import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from '../../src/features/commandLine';
import { routeInProcess } from './direct';
import { formatFigures } from './measure';
import { routeOverWebSocket } from './overWebSocket';

/**
 * npm run bench:leads [-- --leads 10000 --agents 50]
 * Routes the leads to agents that answer at once, over GraphQL/WebSocket and, as the baseline in
 * the same run, through in-process service calls. Targets: p99 under 100 ms, 500 leads/s.
 */
async function main(): Promise<void> {
  const { flags } = parseArgs(['bench', ...process.argv.slice(2)]);
  const leads = Number(flags.leads ?? 10_000);
  const agents = Number(flags.agents ?? 50);
  process.stdout.write(
    `lead routing: ${leads} leads, ${agents} agents answering at once (latency: slot freed -> next lead received)\n`,
  );
  process.stdout.write(`${formatFigures(await routeInProcess(leads, agents))}\n`);
  process.stdout.write(`${formatFigures(await routeOverWebSocket(leads, agents))}\n`);
  process.stdout.write('targets: p99 < 100 ms, >= 500 leads/s over WebSocket\n');
  // wall-clock figures depend on what else the machine runs; CPU per lead does not
  process.stdout.write(
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench:leads failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
