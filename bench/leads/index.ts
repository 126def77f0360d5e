import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from '../../src/features/commandLine';
import { routeInProcess } from './direct';
import { printResult, startRun, type Figures } from '../support/runInfo';
import { formatFigures, percentile, type RoutingFigures } from './measure';
import { routeOverWebSocket } from './overWebSocket';

/** One routing run's printed figures, keyed `<prefix>LeadsPerSec`, `<prefix>P50Ms`... for the JSON line. */
function keyed(prefix: string, figures: RoutingFigures): Figures {
  const sorted = [...figures.latenciesMs].sort((a, b) => a - b);
  const ms = (value: number | undefined) => (value === undefined ? null : Math.round(value * 10) / 10);
  return {
    [`${prefix}LeadsPerSec`]: Math.round(figures.leads / figures.seconds),
    [`${prefix}P50Ms`]: ms(percentile(sorted, 50)),
    [`${prefix}P99Ms`]: ms(percentile(sorted, 99)),
    [`${prefix}MaxMs`]: ms(sorted.at(-1)),
    [`${prefix}CpuMsPerLead`]: Math.round(((figures.cpuSeconds * 1000) / figures.leads) * 100) / 100,
  };
}

/**
 * npm run bench:leads [-- --leads 10000 --agents 50]
 * Routes the leads to agents that answer at once, over GraphQL/WebSocket and, as the baseline in
 * the same run, through in-process service calls. Targets: p99 under 100 ms, 500 leads/s.
 */
async function main(): Promise<void> {
  startRun();
  const { flags } = parseArgs(['bench', ...process.argv.slice(2)]);
  const leads = Number(flags.leads ?? 10_000);
  const agents = Number(flags.agents ?? 50);
  process.stdout.write(
    `lead routing: ${leads} leads, ${agents} agents answering at once (latency: slot freed -> next lead received)\n`,
  );
  const inProcess = await routeInProcess(leads, agents);
  process.stdout.write(`${formatFigures(inProcess)}\n`);
  const overWebSocket = await routeOverWebSocket(leads, agents);
  process.stdout.write(`${formatFigures(overWebSocket)}\n`);
  process.stdout.write('targets: p99 < 100 ms, >= 500 leads/s over WebSocket\n');
  // wall-clock figures depend on what else the machine runs; CPU per lead does not
  process.stdout.write(
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}\n`,
  );
  printResult({ ...keyed('inProcess', inProcess), ...keyed('webSocket', overWebSocket) });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench:leads failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
