import type { WaveDoc } from '../model';
import type { CountsWriter } from './countsWriter';
import type { MessageSender, MessageSenderDeps } from './messageSender';
import type { Reconciler } from './reconcile';

/** What a wave-send run works with: the sender of one message and the shared parts around it. */
export interface WaveSendDeps extends MessageSenderDeps {
  sender: MessageSender;
  counts: CountsWriter;
  reconciler: Reconciler;
  /** Aborted when the service stops: runs end, their waves continue in a new job. */
  shutdown: AbortSignal;
  /** Told, before the run's job ends, of a wave the run found or left no longer SENDING. */
  runEnded(wave: WaveDoc): Promise<void>;
}
