/**
 * The capabilities card shown on install, on "hi" and on "help": what the bot does, each with an example of how
 * people say it in their own words, and buttons that send such sentences (so the buttons exercise the same
 * understanding as typed text).
 */
import { renderCard } from '../cards/renderCard';
import type { Reply } from '../cards/reply';

const CAPABILITIES = [
  {
    title: 'Answers',
    description: 'Connection references, service principals, sharing, run-only users, licensing… just ask',
  },
  { title: 'My connections', description: '"are my connections ok?" — what is broken and how to fix it' },
  { title: 'Flow diagnosis', description: '"Weekly report keeps failing" — the exact connection and remedy' },
  {
    title: 'Secrets',
    description: '"what expires before new year?" — expiring secrets and certificates, with [Rotate]',
  },
  { title: 'Health report', description: '"how healthy is our tenant?" — governance findings for admins' },
  {
    title: 'Approvals',
    description:
      '"Adele needs to use my SQL connection", "D365-App-Registration needs a new secret": approvers decide in one click',
  },
  { title: 'Notifications', description: '"remind me 30 and 7 days before secrets expire"' },
];

const SUGGESTIONS = [
  { title: 'Are my connections OK?', text: 'are my connections ok?' },
  { title: 'Why won’t my flow turn on?', text: "why won't my flow turn on" },
  { title: 'What expires soon?', text: 'which secrets expire soon' },
  { title: 'How healthy is our tenant?', text: 'how healthy is our tenant?' },
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
          'Tell me in your own words what you need: I answer questions about Power Automate and Dataverse connections, check your own connections and flows, and run approved changes such as sharing a connection or rotating a secret. Follow-ups work too ("and Nightly export?", "rotate the first one").',
        demoMode: options.demoMode,
        capabilities: CAPABILITIES,
        suggestions: SUGGESTIONS,
      }),
    ],
  };
}
