import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** Environment for a child process: only what it needs, so the machine's own env cannot leak in. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', ...env };
}

/** Starts a TypeScript entry point of src/ in a child node, the way `npm run dev`/`npm run cli` do. */
export function spawnTs(entry: string, args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-r', '@swc-node/register', resolve(root, entry), ...args], {
    cwd: root,
    env: childEnv(env),
  });
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolveExit) => {
    child.on('close', (code) => resolveExit({ code, stdout, stderr }));
  });
}

/** Resolves with the first stdout JSON log line matching `predicate`. */
export function logLine(
  child: ChildProcessWithoutNullStreams,
  predicate: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const text of lines) {
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (predicate(line)) {
          child.stdout.off('data', onData);
          resolveLine(line);
          return;
        }
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before the expected log line`)));
  });
}

export function runTs(entry: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return finished(spawnTs(entry, args, env));
}
