/**
 * A stand-in for the Amazon Connect agent workspace, host side of the channel the SDK's app
 * proxy opens (read from @amazon-connect/app and /core 1.0.x): the app posts
 * `connect-app-host-init` to its parent with a MessagePort; the host answers on that port with
 * `acknowledge`, then the lifecycle (`appLifecycle` create, and start once the app reports
 * `appLifecycleHandlerCompleted`), answers `request` messages (`contact/listContacts`), records
 * `subscribe`s, and sends contact events as `publish` messages on the contact namespace.
 * Local run and browser tests only.
 */
const CONTACT_NAMESPACE = 'aws.connect.contact';
type Contact = { contactId: string; initialContactId?: string };

const iframe = document.getElementById('app') as HTMLIFrameElement;
const log = document.getElementById('log')!;
const current = document.getElementById('current')!;
let port: MessagePort | undefined;
const contacts: Contact[] = [];
const subscriptions = new Set<string>();

function note(text: string) {
  const li = document.createElement('li');
  li.textContent = text;
  log.prepend(li);
}

function publish(key: string, c: Contact) {
  port?.postMessage({
    type: 'publish',
    topic: { namespace: CONTACT_NAMESPACE, key },
    data: {
      contactId: c.contactId,
      initialContactId: c.initialContactId ?? c.contactId,
      type: 'voice',
      subtype: 'connect:Telephony',
    },
  });
  note(`${key} ${c.contactId}`);
}

function lifecycle(stage: 'create' | 'start') {
  port?.postMessage({
    type: 'appLifecycle',
    stage,
    instanceId: 'local-app-instance',
    config: {
      arn: 'arn:aws:app-integrations:eu-central-1:000000000000:application/local',
      namespace: 'fairlisten',
      name: 'fairlisten',
      id: 'local',
    },
    appConfig: {},
    region: 'eu-central-1',
    launchedBy: { type: 'user' },
  });
}

window.addEventListener('message', (e) => {
  if (e.source !== iframe.contentWindow || e.data?.type !== 'connect-app-host-init') return;
  port = e.ports[0];
  if (!port) return;
  port.onmessage = (m) => {
    const msg = m.data as { type: string; [k: string]: unknown };
    switch (msg.type) {
      case 'request': {
        const answer = {
          type: 'response',
          namespace: msg.namespace,
          command: msg.command,
          requestId: msg.requestId,
        };
        if (msg.namespace === CONTACT_NAMESPACE && msg.command === 'contact/listContacts') {
          port?.postMessage({
            ...answer,
            isError: false,
            data: contacts.map((c) => ({ ...c, type: 'voice', subtype: 'connect:Telephony' })),
          });
        } else {
          port?.postMessage({
            ...answer,
            isError: true,
            errorKey: 'handlerNotFound',
            reason: 'not in the local host',
            details: {},
          });
        }
        break;
      }
      case 'subscribe':
        subscriptions.add((msg.topic as { key: string }).key);
        break;
      case 'appLifecycleHandlerCompleted':
        if (msg.stage === 'create') lifecycle('start');
        break;
      case 'healthCheck':
        port?.postMessage({ type: 'healthCheckResponse', time: Date.now(), counter: 0 });
        break;
      default:
        break; // log, metric: nothing to do locally
    }
  };
  port.postMessage({
    type: 'acknowledge',
    connectionId: crypto.randomUUID(),
    status: { initialized: true, startTime: new Date() },
    healthCheckInterval: 0,
  });
  lifecycle('create');
  note('application connectée');
});

async function local(step: string, body: object): Promise<Record<string, string>> {
  const res = await fetch(`/__local/${step}`, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

function show() {
  current.textContent = contacts.map((c) => c.contactId).join(', ') || 'aucun';
  document.body.dataset.contact = contacts[0]?.contactId ?? '';
}

async function call(drawn: boolean) {
  const { contactId } = await local('call', { drawn });
  const c = { contactId: contactId! };
  contacts.splice(0, contacts.length, c);
  publish('contact/connected', c);
  show();
}

const on = (id: string, f: () => Promise<void>) =>
  document.getElementById(id)!.addEventListener('click', () => void f());
on('call-drawn', () => call(true));
on('call-not-drawn', () => call(false));
on('transfer', async () => {
  const from = contacts[0];
  if (!from) return;
  const out = await local('transfer', { contactId: from.contactId });
  const next = { contactId: out.contactId!, initialContactId: out.initialContactId };
  contacts.splice(0, contacts.length, next);
  // As in Connect: the new contact connects, then the old one is cleared.
  publish('contact/connected', next);
  publish('contact/cleared', from);
  show();
});
on('hangup', async () => {
  const c = contacts[0];
  if (!c) return;
  await local('end', { contactId: c.contactId });
  publish('contact/acw', c);
  contacts.splice(0);
  show();
});
document.getElementById('user')!.addEventListener('change', (e) => {
  const as = (e.target as HTMLSelectElement).value;
  iframe.src = `/app/?as=${encodeURIComponent(as)}`;
});
