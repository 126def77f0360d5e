import { figures, fill, h, section } from '../dom';
import { clock, count, label, when } from '../format';
import {
  CancelWaveDocument,
  PauseWaveDocument,
  ResumeWaveDocument,
  SendWaveNowDocument,
  WaveLiveDocument,
  WavePageDocument,
  type WaveProgressFragment,
} from '../generated/graphql';
import { attempt, errorMessage, link, pageHeading, statusLine, type Page, type PageContext } from '../page';

type Control = 'send' | 'pause' | 'resume' | 'cancel';

/** Which controls a wave in this status takes. */
const CONTROLS: Record<string, readonly Control[]> = {
  DRAFT: ['send', 'cancel'],
  SCHEDULED: ['send', 'cancel'],
  SENDING: ['pause', 'cancel'],
  PAUSED: ['resume', 'cancel'],
};

function drawProgress(target: HTMLElement, wave: WaveProgressFragment): void {
  const percent = Math.round(wave.progress * 100);
  const { counts } = wave;
  fill(
    target,
    h(
      'div',
      { class: 'wave-progress' },
      h('label', { for: 'wave-progress-bar' }, `Done with ${percent} % of the recipients`),
      h('progress', { id: 'wave-progress-bar', max: 100, value: percent }),
    ),
    figures([
      { name: 'status', label: 'Status', value: label(wave.status) },
      { name: 'reached', label: 'Reached', value: `${count(counts.ok)} of ${count(counts.total)}` },
      { name: 'sms', label: 'Texts accepted', value: count(counts.sms) },
      { name: 'delivered', label: 'Delivered', value: count(counts.delivered) },
      { name: 'email', label: 'Fallback e-mails', value: count(counts.email) },
      { name: 'failed', label: 'Failed', value: count(counts.failed + counts.undelivered) },
      { name: 'opted-out', label: 'Opted out', value: count(counts.optedOut) },
      { name: 'skipped', label: 'Skipped or expired', value: count(counts.skipped + counts.expired) },
      { name: 'uncertain', label: 'Uncertain', value: count(counts.uncertain) },
      { name: 'expected-finish', label: 'Expected finish', value: when(wave.expectedFinishAt) },
    ]),
    wave.statusReason ? h('p', null, `Reason: ${wave.statusReason}`) : null,
  );
}

/** Send now, pause, resume and cancel, each shown when the wave's status allows it. */
function controls(context: PageContext, id: string, onWave: (wave: WaveProgressFragment) => void) {
  const { api, signal } = context;
  const status = statusLine();
  const button = (control: Control, text: string, run: () => Promise<WaveProgressFragment>, confirmation?: string) => {
    const element = h('button', { type: 'button', 'data-control': control }, text);
    element.addEventListener('click', () => {
      if (confirmation && !window.confirm(confirmation)) return;
      void attempt(
        async () => {
          onWave(await run());
          status.show(`${text}: done.`);
        },
        status,
        signal,
      );
    });
    return element;
  };
  const buttons = {
    send: button('send', 'Send now', async () => (await api.request(SendWaveNowDocument, { id }, signal)).sendWaveNow),
    pause: button('pause', 'Pause', async () => (await api.request(PauseWaveDocument, { id }, signal)).pauseWave),
    resume: button('resume', 'Resume', async () => (await api.request(ResumeWaveDocument, { id }, signal)).resumeWave),
    cancel: button(
      'cancel',
      'Cancel the wave',
      async () => (await api.request(CancelWaveDocument, { id }, signal)).cancelWave,
      'Cancel this wave? No more texts go out, and a cancelled wave cannot be sent again.',
    ),
  };
  return {
    element: h('div', { class: 'actions' }, Object.values(buttons), status.element),
    show(wave: WaveProgressFragment) {
      const allowed = CONTROLS[wave.status] ?? [];
      for (const [control, element] of Object.entries(buttons)) element.hidden = !allowed.includes(control as Control);
    },
  };
}

/** One wave: its settings and its progress, live through waveUpdated; controls for operators. */
export const wavePage: Page = async (context) => {
  const { root, api, params, signal, canOperate } = context;
  const id = params[0]!;
  const { wave } = await api.request(WavePageDocument, { id }, signal);
  const live = h('div', { 'data-live': 'wave' });
  const updated = h('p', { class: 'live-note' });
  const control = canOperate ? controls(context, id, (changed) => show(changed)) : undefined;
  function show(now: WaveProgressFragment, at = new Date()): void {
    drawProgress(live, now);
    control?.show(now);
    fill(updated, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), `Live · as of ${clock(at)}`);
  }
  const { config } = wave;
  fill(
    root,
    h('p', { class: 'breadcrumb' }, link('/waves', 'Waves'), ' / '),
    pageHeading(wave.name),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Fan campaign'),
      h('dd', null, link(`/fans/${encodeURIComponent(config.campaignId)}`, config.campaignId)),
      h('dt', null, 'Starts'),
      h('dd', null, when(config.notifyDate)),
      h('dt', null, 'Sender'),
      h('dd', null, `${config.sender} (${label(config.senderKind)}, ${config.segmentsPerSecond} segments a second)`),
      h('dt', null, 'Texts'),
      h(
        'dd',
        null,
        `${label(config.messageType)}, ${count(wave.totalSegments)} segments; ${count(wave.rejectCount)} rows refused at upload`,
      ),
    ),
    section('wave-live', 'Progress', updated, live, control?.element),
  );
  show(wave);
  api.subscribe(
    WaveLiveDocument,
    { id },
    {
      onData: ({ waveUpdated }) => show(waveUpdated),
      onError: (error) => fill(updated, `Live updates stopped: ${errorMessage(error)}`),
    },
    signal,
  );
};
