import { planLocally } from '../../../src/app/planner/localPlanner';

describe('local planner', () => {
  it.each([
    ['help', { kind: 'help' }],
    ['Help!', { kind: 'help' }],
    ['hi', { kind: 'greeting' }],
    ['show my connections', { kind: 'showMyConnections' }],
    ['Show my connections please', { kind: 'showMyConnections' }],
    ['my connections?', { kind: 'showMyConnections' }],
    ["why can't I turn on Weekly report", { kind: 'diagnoseFlow', flowName: 'Weekly report' }],
    ['Why can’t I turn on the weekly report flow?', { kind: 'diagnoseFlow', flowName: 'weekly report' }],
    ['why does Site request intake fail', { kind: 'diagnoseFlow', flowName: 'Site request intake' }],
    ["why can't I turn on my flow", { kind: 'diagnoseFlow' }],
    ['connection references in Lunch order', { kind: 'solutionReferences', solutionName: 'Lunch order' }],
    ['show connection references for IT Helpdesk', { kind: 'solutionReferences', solutionName: 'IT Helpdesk' }],
    [
      'share my Outlook connection with Megan',
      { kind: 'requestShare', connectionQuery: 'Outlook', targetUserQuery: 'Megan' },
    ],
    ['check Weekly report', { kind: 'diagnoseFlow', flowName: 'Weekly report' }],
    ["what's wrong with Processing invoices", { kind: 'diagnoseFlow', flowName: 'Processing invoices' }],
    ['check ABCSol - Sync Accounts', { kind: 'diagnoseFlow', flowName: 'ABCSol - Sync Accounts' }],
    ['which secrets expire in the next 30 days', { kind: 'expiringSecrets', withinDays: 30 }],
    ['Which secrets expire soon?', { kind: 'expiringSecrets' }],
    ['which certificates expire within 2 weeks', { kind: 'expiringSecrets', withinDays: 14 }],
    ['health report', { kind: 'healthReport' }],
    ['rotate the secret of D365-App-Registration', { kind: 'requestRotation', appQuery: 'D365-App-Registration' }],
    [
      'share my Outlook connection in DEV with Adele',
      { kind: 'requestShare', connectionQuery: 'Outlook', environmentQuery: 'DEV', targetUserQuery: 'Adele' },
    ],
    ['audit', { kind: 'audit' }],
    ['audit for D365-App-Registration', { kind: 'audit', subject: 'D365-App-Registration' }],
    ['notify me 30, 7 and 1 days before', { kind: 'subscribe', thresholds: [30, 7, 1] }],
    ['unsubscribe', { kind: 'unsubscribe' }],
    ['scan now', { kind: 'scanNow' }],
  ])('routes %j to an action', (text, intent) => {
    expect(planLocally(text)).toEqual(intent);
  });

  it.each([
    'Help me understand connection references',
    'What is a connection reference?',
    'How do I share a connection so a colleague can turn on my flow?',
    'Why did my new flow pick up a connection reference from another solution?',
    "Why shouldn't my production flows run under my personal account?",
    'Can I share an OAuth connection with a regular user?',
    'What does ConnectionAuthorizationFailed mean when I try to turn on a flow?',
    'Where should I keep the client secret after I create it?',
    'Who won the football match last night?',
    // Shaped like commands, but their "names" are the rest of a sentence or nobody in particular.
    'The connection reference for my custom connector is not recognized in my canvas app. How do I fix it?',
    'connection references for custom connectors are broken after copying the environment',
    'share oauth connection with other user possible?',
    'share my Outlook connection with a colleague',
    'check that my flow really runs as the service principal',
    "What's wrong with running company flows under my own login?",
    "what's wrong with using my personal account for connections",
  ])('leaves the question %j to the knowledge answerer', (text) => {
    expect(planLocally(text)).toEqual({ kind: 'question', text });
  });

  it('ignores @mentions of the bot in channels', () => {
    expect(planLocally('<at>Connection Ops</at> health report')).toEqual({ kind: 'healthReport' });
  });
});
