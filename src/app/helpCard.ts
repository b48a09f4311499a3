/**
 * The capabilities card shown on install, on "hi" and on "help": what the bot does, with buttons that send the
 * example phrases (so the buttons exercise the same planner as typed text).
 */
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';

const CAPABILITIES = [
  { title: 'Answers', description: 'Connection references, service principals, sharing, run-only users, licensing…' },
  { title: 'My connections', description: 'Status of your connections, what is broken and how to fix it' },
  { title: 'Flow diagnosis', description: 'Why a flow will not turn on, naming the exact connection and remedy' },
  { title: 'Secrets', description: 'App registrations whose secrets or certificates expire soon, with [Rotate]' },
  { title: 'Health report', description: 'Governance findings for admins' },
  {
    title: 'Approvals',
    description: 'Request access to a connection or a secret rotation; approvers decide in one click',
  },
  { title: 'Notifications', description: '"subscribe" to hear about expiring secrets and broken connections' },
];

const SUGGESTIONS = [
  { title: 'Show my connections', text: 'show my connections' },
  { title: 'Why won’t my flow turn on?', text: "why can't I turn on my flow" },
  { title: 'Secrets expiring soon', text: 'which secrets expire soon' },
  { title: 'Health report', text: 'health report' },
  { title: 'What is a connection reference?', text: 'What is a connection reference?' },
];

export function helpReply(options: { demoMode: boolean; greeting?: boolean }): Reply {
  return {
    text: options.greeting
      ? 'Hi! I keep your Power Platform connections healthy, understood and safe.'
      : 'Here is what I can do.',
    cards: [
      renderCard('welcome', {
        title: 'Connection Ops',
        intro:
          'I answer questions about Power Automate and Dataverse connections, check your own connections and flows, and run approved changes such as sharing a connection or rotating a secret.',
        demoMode: options.demoMode,
        capabilities: CAPABILITIES,
        suggestions: SUGGESTIONS,
      }),
    ],
  };
}
