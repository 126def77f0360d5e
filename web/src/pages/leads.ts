import { dataTable, figures, fill, h, section } from '../dom';
import { clock, count, duration, label, when } from '../format';
import {
  LeadQueueLiveDocument,
  LeadsPageDocument,
  SetAgentCapacityDocument,
  type SupervisorViewFragment,
} from '../generated/graphql';
import { attempt, errorMessage, pageHeading, statusLine, type Page, type PageContext } from '../page';

type Agent = SupervisorViewFragment['agents'][number];

const freeSlots = (agent: Agent) => (agent.presence === 'ONLINE' ? Math.max(0, agent.capacity - agent.openLeads) : 0);

function drawQueue(target: HTMLElement, queue: SupervisorViewFragment): void {
  const online = queue.agents.filter((agent) => agent.presence === 'ONLINE');
  fill(
    target,
    figures([
      { name: 'backlog', label: 'Leads waiting', value: count(queue.backlog) },
      { name: 'assigned', label: 'With an agent', value: count(queue.assigned) },
      { name: 'waiting-time', label: 'Longest wait', value: duration(queue.oldestAgeSeconds) },
      { name: 'online', label: 'Agents online', value: `${count(online.length)} of ${count(queue.agents.length)}` },
      {
        name: 'free-slots',
        label: 'Free capacity',
        value: count(online.reduce((sum, agent) => sum + freeSlots(agent), 0)),
      },
    ]),
    dataTable({
      name: 'agents',
      caption: 'Agents, their capacity and their open leads',
      rows: queue.agents,
      empty: 'No agents yet: an agent appears once its AGENT key sets its presence.',
      columns: [
        { header: 'Agent', cell: (agent) => agent.name },
        { header: 'Id', cell: (agent) => agent.id },
        {
          header: 'Presence',
          cell: (agent) => h('span', { class: `badge ${agent.presence.toLowerCase()}` }, label(agent.presence)),
        },
        { header: 'Capacity', numeric: true, cell: (agent) => count(agent.capacity) },
        { header: 'Open leads', numeric: true, cell: (agent) => count(agent.openLeads) },
        { header: 'Free', numeric: true, cell: (agent) => count(freeSlots(agent)) },
        { header: 'Answered today', numeric: true, cell: (agent) => count(agent.answeredToday) },
        { header: 'Last lead', cell: (agent) => when(agent.lastAssignedAt) },
      ],
    }),
  );
}

/** Operators set how many leads an agent works at once. */
function capacityForm(context: PageContext, agents: () => readonly Agent[]): HTMLElement {
  const agent = h('select', { id: 'capacity-agent', required: true });
  const capacity = h('input', {
    id: 'capacity-value',
    type: 'number',
    min: 1,
    max: 50,
    step: 1,
    required: true,
    value: 1,
  });
  const status = statusLine();
  const refreshAgents = () => {
    const chosen = agent.value;
    fill(
      agent,
      agents().map((each) =>
        h('option', { value: each.id, selected: each.id === chosen }, `${each.name} (${each.id})`),
      ),
    );
  };
  agent.addEventListener('focus', refreshAgents);
  refreshAgents();
  const form = h(
    'form',
    { class: 'inline-form', 'aria-labelledby': 'capacity-heading' },
    h('h3', { id: 'capacity-heading' }, 'Set an agent’s capacity'),
    h('label', { for: 'capacity-agent' }, 'Agent'),
    agent,
    h('label', { for: 'capacity-value' }, 'Leads at once (1 to 50)'),
    capacity,
    h('button', { type: 'submit' }, 'Set capacity'),
    status.element,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void attempt(
      async () => {
        const variables = { agentId: agent.value, capacity: Number(capacity.value) };
        const { setAgentCapacity } = await context.api.request(SetAgentCapacityDocument, variables, context.signal);
        status.show(`${setAgentCapacity.id} now works ${setAgentCapacity.capacity} leads at once.`);
      },
      status,
      context.signal,
    );
  });
  return form;
}

/** Lead routing, supervisor view: the queue and the agents, live through leadQueueUpdated. */
export const leadsPage: Page = async (context) => {
  const { root, api, signal, canOperate } = context;
  const { leadQueue, leadImports } = await api.request(LeadsPageDocument, {}, signal);
  let agents = leadQueue.agents;
  const live = h('div', { 'data-live': 'lead-queue' });
  const updated = h('p', { class: 'live-note' });
  const capacity = canOperate ? capacityForm(context, () => agents) : undefined;
  const showUpdate = (queue: SupervisorViewFragment) => {
    agents = queue.agents;
    drawQueue(live, queue);
    if (capacity) capacity.hidden = agents.length === 0;
    fill(updated, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), `Live · as of ${clock(new Date(queue.at))}`);
  };
  showUpdate(leadQueue);

  fill(
    root,
    pageHeading('Lead routing'),
    section('lead-queue', 'Queue and agents', updated, live, capacity),
    section(
      'lead-imports',
      'Latest lead lists',
      dataTable({
        name: 'lead-imports',
        caption: 'The five latest uploaded lead lists',
        rows: leadImports.edges.map((edge) => edge.node),
        empty: 'No lead list uploaded yet.',
        columns: [
          { header: 'List', cell: (row) => row.listName ?? row.filename },
          { header: 'Uploaded', cell: (row) => when(row.createdAt) },
          { header: 'Rows', numeric: true, cell: (row) => count(row.total) },
          { header: 'Queued', numeric: true, cell: (row) => count(row.accepted) },
          { header: 'Rejected', numeric: true, cell: (row) => count(row.rejected) },
          { header: 'Already open', numeric: true, cell: (row) => count(row.duplicatesOfExisting) },
        ],
      }),
    ),
  );

  api.subscribe(
    LeadQueueLiveDocument,
    {},
    {
      onData: ({ leadQueueUpdated }) => showUpdate(leadQueueUpdated),
      onError: (error) => fill(updated, `Live updates stopped: ${errorMessage(error)}`),
    },
    signal,
  );
};
