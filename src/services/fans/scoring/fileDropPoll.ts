import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import type { Logger } from '../../../logger';
import { objectVersion } from './fileJobs';

/** A prefix of the objects port and what to do with each file that appears under it. */
export interface DropFolder {
  prefix: string;
  found(object: StoredObject): Promise<void>;
}

/**
 * The S3 triggers of the seed as a poll: every `intervalMs`, each folder is listed and every
 * file version not seen yet is handed over. Handing over is idempotent (a job per key and
 * version), so several instances polling, or a restart seeing every file again, start nothing
 * twice; the versions seen are remembered here only to spare the store the asking.
 */
export class FileDropPoll {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly seen = new Set<string>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly folders: DropFolder[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Polls now and then every interval; an interval of 0 turns the poll off. */
  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One poll of every folder (also what tests call); polls never overlap. */
  poll(): Promise<void> {
    this.running = this.running.then(async () => {
      for (const folder of this.folders) {
        try {
          for (const object of await this.objects.list(folder.prefix)) {
            const seenKey = `${object.key}@${objectVersion(object)}`;
            if (this.seen.has(seenKey)) continue;
            await folder.found(object);
            this.seen.add(seenKey);
          }
        } catch (error) {
          this.logger.error({ err: error, prefix: folder.prefix }, 'dropped files could not be picked up');
        }
      }
    });
    return this.running;
  }
}
