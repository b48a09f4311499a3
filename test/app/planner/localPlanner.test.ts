import { planLocally, type PlanContext } from '../../../src/app/planner/localPlanner';
import { NameIndex } from '../../../src/understanding';

/** A few of the demo tenant's names, as TenantNames would read them. */
const withNames: PlanContext = {
  names: new NameIndex([
    { type: 'flow', name: 'Weekly report', id: 'f1', visibleTo: ['megan'] },
    { type: 'flow', name: 'Site request intake', id: 'f2', visibleTo: ['megan'] },
    { type: 'solution', name: 'Lunch order', id: 's1' },
    { type: 'app', name: 'D365-App-Registration', id: 'a1' },
    { type: 'user', name: 'Adele Vance', id: 'u1', aliases: [{ text: 'Adele', when: 'capitalised' }] },
    { type: 'user', name: 'Megan Bowen', id: 'u2', aliases: [{ text: 'Megan', when: 'capitalised' }] },
    { type: 'connection', name: 'Office 365 Outlook', aliases: [{ text: 'outlook' }] },
    { type: 'environment', name: 'Contoso DEV', aliases: [{ text: 'dev', when: 'context' }] },
  ]),
};

describe('local planner', () => {
  it.each([
    ['help', { kind: 'help' }],
    ['Help!', { kind: 'help' }],
    ['hi', { kind: 'greeting' }],
    ['show my connections', { kind: 'showMyConnections' }],
    ['Show my connections please', { kind: 'showMyConnections' }],
    ['my connections?', { kind: 'showMyConnections' }],
    ["why can't I turn on Weekly report", { kind: 'diagnoseFlow', flowName: 'Weekly report' }],
    ['Why can’t I turn on the weekly report flow?', { kind: 'diagnoseFlow', flowName: 'Weekly report' }],
    ['why does Site request intake fail', { kind: 'diagnoseFlow', flowName: 'Site request intake' }],
    ['connection references in Lunch order', { kind: 'solutionReferences', solutionName: 'Lunch order' }],
    ['show connection references for IT Helpdesk', { kind: 'solutionReferences', solutionName: 'IT Helpdesk' }],
    [
      'share my Outlook connection with Megan',
      { kind: 'requestShare', connectionQuery: 'Office 365 Outlook', targetUserQuery: 'Megan Bowen' },
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
      {
        kind: 'requestShare',
        connectionQuery: 'Office 365 Outlook',
        environmentQuery: 'Contoso DEV',
        targetUserQuery: 'Adele Vance',
      },
    ],
    ['audit', { kind: 'audit' }],
    ['audit for D365-App-Registration', { kind: 'audit', subject: 'D365-App-Registration' }],
    ['notify me 30, 7 and 1 days before', { kind: 'subscribe', thresholds: [30, 7, 1] }],
    ['unsubscribe', { kind: 'unsubscribe' }],
    ['scan now', { kind: 'scanNow' }],
  ])('routes %j to an action', async (text, intent) => {
    expect(await planLocally(text, withNames)).toEqual(intent);
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
    'check that my flow really runs as the service principal',
    "What's wrong with running company flows under my own login?",
    "what's wrong with using my personal account for connections",
  ])('leaves the question %j to the knowledge answerer', async (text) => {
    expect(await planLocally(text, withNames)).toEqual({ kind: 'question', text });
  });

  it('offers a picker of the flows the caller may see when a diagnosis names none', async () => {
    const megan: PlanContext = { ...withNames, visible: (n) => !n.visibleTo || n.visibleTo.includes('megan') };
    const intent = await planLocally("why can't I turn on my flow", megan);
    expect(intent).toMatchObject({ kind: 'clarify', title: 'Which flow?' });
    expect(intent.kind === 'clarify' && intent.choices.map((c) => c.text)).toEqual([
      'diagnose flow Weekly report',
      'diagnose flow Site request intake',
    ]);
    const adele: PlanContext = { ...withNames, visible: (n) => !n.visibleTo || n.visibleTo.includes('adele') };
    expect(await planLocally("why can't I turn on my flow", adele)).toMatchObject({ kind: 'clarify', choices: [] });
    // Without the tenant's names (the LLM planner's fallback) the diagnosis itself asks which flow.
    expect(await planLocally("why can't I turn on my flow")).toEqual({ kind: 'diagnoseFlow' });
  });

  it('asks who, instead of answering with an article, when a share request names nobody in particular', async () => {
    expect(await planLocally('share my Outlook connection with a colleague', withNames)).toMatchObject({
      kind: 'clarify',
      title: 'Which person?',
    });
  });

  it('ignores @mentions of the bot in channels', async () => {
    expect(await planLocally('<at>Connection Ops</at> health report')).toEqual({ kind: 'healthReport' });
  });

  it('gives "what depends on X" its subject, its kind and, from the name index, its id', async () => {
    expect(await planLocally('what depends on Megan Bowen?', withNames)).toEqual({
      kind: 'impact',
      subject: 'Megan Bowen',
      subjectType: 'user',
      subjectId: 'u2',
    });
    expect(await planLocally("what breaks if D365-App-Registration's secret expires?", withNames)).toEqual({
      kind: 'impact',
      subject: 'D365-App-Registration',
      subjectType: 'app',
      subjectId: 'a1',
    });
  });

  it('takes the subject of "what depends on X" as typed when the names are not loaded yet', async () => {
    expect(await planLocally('what depends on Lee Gu?')).toEqual({ kind: 'impact', subject: 'Lee Gu' });
  });
});
