import express, { type Express, type Request, type Response } from 'express';
import type { App } from '../app';
import { resolvePrincipal } from '../auth/principal';
import { Role, type Principal } from '../auth/roles';
import { AppError, httpStatusOf } from '../errors';
import type { WiredFeature } from '../features';
import { auditLogOf } from '../features/audit';
import { clientAddressOf } from './clientAddress';
import { allCommands, commandFailure } from './commands';

/** What the route answers for a command that ran: `error` is what the CLI prints on stderr. */
export interface CommandAnswer {
  exitCode: number;
  output: string;
  error?: string;
}

/**
 * True for a connection from this host. The CLI that uses the route runs beside the service (it
 * found the service through the data directory's lock file), and commands read files by path
 * (import-clicks --file): a request that came through a load balancer or from another host is
 * refused even with an ADMIN key.
 */
export function fromThisHost(remoteAddress: string | undefined): boolean {
  return remoteAddress === '127.0.0.1' || remoteAddress === '::1' || remoteAddress === '::ffff:127.0.0.1';
}

function refuse(res: Response, code: string, message: string): void {
  res.status(httpStatusOf(code)).json({ errors: [{ message, extensions: { code } }] });
}

/** `{ flags, positional }` of the request body, or a message naming what is wrong with it. */
function commandLineOf(body: unknown): { flags: Record<string, string | boolean>; positional: string[] } | string {
  const { flags = {}, positional = [] } = (body ?? {}) as { flags?: unknown; positional?: unknown };
  const flagsOk =
    typeof flags === 'object' &&
    flags !== null &&
    !Array.isArray(flags) &&
    Object.values(flags).every((value) => typeof value === 'string' || typeof value === 'boolean');
  if (!flagsOk) return 'flags: an object of strings and booleans';
  if (!Array.isArray(positional) || !positional.every((value) => typeof value === 'string')) {
    return 'positional: an array of strings';
  }
  return { flags: flags as Record<string, string | boolean>, positional };
}

/**
 * `POST /admin/commands/:name`: runs a CLI command inside the service, with its app and feature
 * services, for the CLI run beside it: one process writes an embedded data directory, and while
 * the service holds it the CLI sends its writing commands here (docs/store.md). From this host and
 * ADMIN keys only;
 * one command at a time, since commands such as demo are long bulk writes not meant to overlap.
 */
export function mountCommandRoute(http: Express, app: App, features: readonly WiredFeature[]): void {
  const commands = allCommands(features.map((wired) => wired.feature));
  const auditLog = auditLogOf(features);
  let running: string | undefined;
  http.post(
    '/admin/commands/:name',
    express.json({ limit: app.config.BODY_LIMIT_BYTES }),
    async (req: Request<{ name: string }>, res: Response) => {
      if (!fromThisHost(req.socket.remoteAddress)) {
        return refuse(res, 'FORBIDDEN', 'CLI commands run in the service only for a CLI on the same host');
      }
      let principal: Principal | null;
      try {
        principal = await resolvePrincipal(app.apiKeys, req.get('authorization'), { allowAnonymousViewer: false });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refuse(res, error.code, error.message);
        return;
      }
      if (!principal) return refuse(res, 'UNAUTHENTICATED', 'Send an ADMIN key as Authorization: Bearer <key>');
      if (principal.role !== Role.ADMIN) {
        return refuse(res, 'FORBIDDEN', 'Only an ADMIN key runs CLI commands in the service');
      }
      const { name } = req.params;
      const command = Object.hasOwn(commands, name) ? commands[name]! : undefined;
      if (!command) return refuse(res, 'NOT_FOUND', `No CLI command "${name}" runs in the service`);
      const line = commandLineOf(req.body);
      if (typeof line === 'string') return refuse(res, 'BAD_USER_INPUT', line);
      if (running) return refuse(res, 'CONFLICT', `"${running}" is running in the service; try again once it ends`);
      running = name;
      const at = new Date();
      const answer: CommandAnswer = { exitCode: 0, output: '' };
      const out = { write: (text: string) => (answer.output += text) };
      try {
        answer.exitCode = (await command.run(app, line.flags, line.positional, features, out)) ?? 0;
      } catch (error) {
        const failure = commandFailure(error, name, command.usage);
        answer.exitCode = failure.exitCode;
        answer.error = failure.message;
      } finally {
        running = undefined;
      }
      await auditLog?.recordCommand({
        command: name,
        flags: line.flags,
        positional: line.positional,
        at,
        exitCode: answer.exitCode,
        by: { keyId: principal.keyId, keyName: principal.name, role: principal.role },
        clientAddress: clientAddressOf(req),
      });
      app.logger.info({ command: name, exitCode: answer.exitCode }, 'CLI command ran in the service');
      res.json(answer);
    },
  );
}
