/**
 * Every card template of this folder renders, with representative data, to a valid Adaptive Card 1.5 (parsed by
 * the Adaptive Cards SDK without unknown elements or validation errors) well under Teams' ~28 KB limit. Teams'
 * chart elements, which the SDK does not know, are checked against the chart schema from Microsoft Learn, and
 * their FactSet fallbacks by the SDK.
 */
import { chartOf, point } from '../../src/cards/chartData';
import { renderCard, type AdaptiveCard } from '../../src/cards/renderCard';
import { adaptiveCardProblems } from '../cards/adaptiveCardProblems';
import { chartsOf } from '../cards/chartProblems';

export { adaptiveCardProblems };

const row = {
  displayName: 'SharePoint (Megan)',
  connector: 'SharePoint',
  statusLabel: 'Error',
  statusColor: 'Attention',
  problem: 'Its sign-in token could not be refreshed.',
  remedy: 'Sign in again: open the connection and choose Fix connection.',
  account: 'meganb@example.com',
  flowsText: '1 flow',
  ownerText: 'yours',
  checked: 'Status read 40 seconds ago.',
  action: { kind: 'url', title: 'Fix connection', url: 'https://make.powerautomate.com/environments/e/connections' },
};
const execute = { kind: 'execute', title: 'Rotate', verb: 'rotation.request', data: { appObjectId: 'obj' } };

const manyBars = chartOf(
  'Days left per app',
  Array.from({ length: 52 }, (_, i) => point(`App registration number ${i}`, i % 30, i < 5 ? 'attention' : 'neutral')),
  { moreNoun: 'apps' },
);

export const SAMPLES: Record<string, object> = {
  myConnections: {
    title: 'Your connections',
    summary: '3 connections',
    asOf: 'Listed from the tenant as read 3 minutes ago (connections created since then appear after the next read). The statuses on this page are read live; the other pages count as of then.',
    statusChart: chartOf('Connections by status', [
      point('Connected', 1, 'good'),
      point('Error', 1, 'attention'),
      point('Needs configuration or unknown', 1, 'neutral'),
    ]),
    groups: [{ environment: 'Contoso PROD', rows: Array.from({ length: 15 }, () => row) }],
    note: 'Page 1 of 2.',
    hasMore: true,
    nextPage: 2,
    page: 1,
  },
  flowDiagnosis: {
    title: 'Weekly report',
    subtitle: 'Contoso DEV · currently Off',
    verdict: '2 problems found.',
    ok: false,
    problems: [
      {
        headline: 'Not shared with you.',
        remedy: 'Ask Megan.',
        action: {
          kind: 'execute',
          title: 'Request access',
          verb: 'access.request',
          data: { environmentId: 'e', connector: 'shared_office365', connectionName: 'c', flowId: 'f' },
        },
      },
      { headline: 'Unbound.', remedy: 'Bind it.', action: { kind: 'none' } },
    ],
    checks: [{ label: 'Outlook connection', result: 'connected, owned by Megan Bowen, not shared with you' }],
    flowUrl: 'https://make.powerautomate.com/environments/e/flows/f/details',
  },
  flowPicker: {
    title: 'Which flow do you mean?',
    intro: 'Several flows match.',
    choices: [
      { name: 'Weekly report', detail: 'Contoso DEV · Off', environmentId: 'e1', flowId: 'f1' },
      { name: 'Weekly report', detail: 'Contoso PROD · On', environmentId: 'e2', flowId: 'f2' },
    ],
  },
  solutionReferences: {
    title: 'Connection references in Lunch order',
    summary: '3 references',
    sections: [
      {
        environment: 'Contoso PROD',
        rows: [
          {
            name: 'LUNCH Word Connection Ref',
            logicalName: 'lunch_word',
            connector: 'Word Online (Business)',
            connection: 'Word (TechUser)',
            status: 'Connected',
            statusColor: 'Good',
            account: 'techuser_sp_prd@example.com',
            flags: '',
          },
          {
            name: 'cr6a1_x',
            logicalName: 'cr6a1_x',
            connector: 'Dataverse',
            connection: '(none)',
            status: 'Unbound',
            statusColor: 'Attention',
            account: '—',
            flags: 'bound to no connection',
          },
        ],
      },
    ],
  },
  expiringCredentials: {
    title: 'Secrets and certificates expiring within 30 days',
    summary: '2 expiring soon, 1 expired',
    daysChart: manyBars,
    expiring: [
      {
        app: 'D365-App-Registration',
        detail: 'Secret expires in 10 days',
        owners: 'Megan Bowen',
        connections: 'Used by X',
        action: execute,
      },
    ],
    expired: [
      {
        app: 'CoE-Sync-SP',
        detail: 'Secret expired 3 days ago',
        owners: 'Alex Wilber',
        connections: 'Used by Y',
        action: execute,
      },
    ],
    empty: '',
    rowsLeftOut: 'Showing the 10 most urgent of each: 3 more expiring not listed.',
  },
  healthReport: {
    title: 'Tenant health report',
    summary: '2 findings',
    severityChart: chartOf('Findings by severity', [
      point('High', 20, 'attention'),
      point('Medium', 0, 'warning'),
      point('Low', 0, 'neutral'),
    ]),
    kindChart: chartOf(
      'Findings by kind',
      Array.from({ length: 12 }, (_, i) => point(`Kind ${i}`, 20 - i, 'categoricalBlue')),
      { moreNoun: 'kinds' },
    ),
    findings: Array.from({ length: 20 }, (_, i) => ({
      kind: 'Credential expiring',
      severity: 'HIGH',
      color: 'Attention',
      subject: `App ${i}`,
      where: 'Contoso PROD · owner Megan Bowen · 10 days left',
      why: 'Its secret expires in 10 days. 1 connection signs in with this app and will fail.',
      article: 'client-secret-rotation',
      question: 'How do I rotate a client secret without downtime?',
      action: i % 2 ? execute : { kind: 'url', title: 'Open connections', url: 'https://make.powerautomate.com/x' },
    })),
    note: 'Page 1 of 2.',
    hasMore: true,
    nextPage: 2,
  },
  turnOnRequest: {
    title: 'Adele Vance asks you to turn on Weekly report once',
    message: 'Weekly report (Contoso DEV) uses your connections, which Adele Vance may not use.',
    why: 'Open the flow and turn it on, then press [I turned it on].',
    facts: [{ title: 'Connection', value: 'Office 365 Outlook (Megan Bowen)' }],
    flowUrl: 'https://make.powerautomate.com/environments/e/flows/f/details',
    done: { environmentId: 'e', flowId: 'f', requesterId: 'u' },
  },
  turnOnRequestDone: {
    title: 'Weekly report is on',
    message: 'Thank you.',
    why: '',
    facts: [],
    flowUrl: 'https://make.powerautomate.com/environments/e/flows/f/details',
    done: '',
  },
  partialResult: {
    title: 'Some things could not be checked',
    intro: 'The services below did not answer.',
    gaps: [{ what: 'connection references in Contoso PROD', reason: 'the service is unavailable' }],
    more: '',
    retryData: { view: 'myConnections', page: 1 },
  },
};

/** Samples named <template><Variant> render the template <template> with other data. */
const templateOf = (sample: string) => sample.replace(/Done$/, '');

test.each(Object.keys(SAMPLES))('%s renders to a valid Adaptive Card 1.5 under 28 KB', (name) => {
  const card = renderCard(templateOf(name), SAMPLES[name]);
  expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
  expect(JSON.stringify(card)).not.toMatch(/\$\{/);
  expect(adaptiveCardProblems(card)).toEqual([]);
  expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28_000);
});

test('the validator itself catches unknown elements and bad values', () => {
  const bad = {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'Bogus' }, { type: 'TextBlock', text: 'x', color: 'Nope' }],
  };
  expect(adaptiveCardProblems(bad as AdaptiveCard).length).toBeGreaterThanOrEqual(2);
});

test('the chart cards carry their charts, each with a FactSet fallback of the same numbers', () => {
  for (const name of ['healthReport', 'expiringCredentials', 'myConnections']) {
    const card = renderCard(name, SAMPLES[name]);
    const charts = chartsOf(card);
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) expect(chart.fallback).toMatchObject({ type: 'FactSet' });
  }
  const expiring = JSON.stringify(renderCard('expiringCredentials', SAMPLES.expiringCredentials));
  expect(expiring).toContain('and 40 more apps not charted.');
});

test('the chart checks catch a bad chart, a missing fallback and a fallback with other numbers', () => {
  const donut = {
    type: 'Chart.Donut',
    title: 'x',
    data: [{ legend: 'High', value: 3, color: 'attention' }],
    fallback: { type: 'FactSet', facts: [{ title: 'High', value: '3' }] },
  };
  const card = (body: object[]) => ({ type: 'AdaptiveCard', version: '1.5', body }) as AdaptiveCard;
  expect(adaptiveCardProblems(card([donut]))).toEqual([]);
  expect(adaptiveCardProblems(card([{ ...donut, fallback: undefined }])).length).toBeGreaterThan(0);
  expect(adaptiveCardProblems(card([{ ...donut, data: [{ legend: 'High', value: '3' }] }])).length).toBeGreaterThan(0);
  expect(adaptiveCardProblems(card([{ ...donut, data: [{ legend: 'High', value: 3, color: 'pink' }] }]))).toContain(
    'Chart.Donut "x": /data/0/color must be equal to one of the allowed values',
  );
  expect(
    adaptiveCardProblems(card([{ ...donut, fallback: { type: 'FactSet', facts: [{ title: 'High', value: '4' }] } }])),
  ).toContain('Chart.Donut "x": its fallback does not show the chart\'s numbers');
  expect(adaptiveCardProblems(card([{ ...donut, type: 'Chart.Bogus' }])).length).toBeGreaterThan(0);
  // The fallback itself goes through the SDK: a bad FactSet there is caught.
  expect(
    adaptiveCardProblems(
      card([{ ...donut, fallback: { type: 'FactSet', facts: [{ title: 'High', value: '3' }], spacing: 'Huge' } }]),
    ).length,
  ).toBeGreaterThan(0);
});

test('buttons owned by approvals keep their exact titles, verbs and id-only data', () => {
  const card = JSON.stringify(renderCard('flowDiagnosis', SAMPLES.flowDiagnosis));
  expect(card).toContain(
    '{"type":"Action.Execute","title":"Request access","verb":"access.request","data":{"environmentId":"e","connector":"shared_office365","connectionName":"c","flowId":"f"}}',
  );
  const expiring = JSON.stringify(renderCard('expiringCredentials', SAMPLES.expiringCredentials));
  expect(expiring).toContain('"title":"Rotate","verb":"rotation.request","data":{"appObjectId":"obj"}');
  const turnOn = JSON.stringify(renderCard('turnOnRequest', SAMPLES.turnOnRequest));
  expect(turnOn).toContain(
    '{"type":"Action.Execute","title":"I turned it on","verb":"flow.turnedOn","data":{"environmentId":"e","flowId":"f","requesterId":"u"}}',
  );
  expect(JSON.stringify(renderCard('turnOnRequest', SAMPLES.turnOnRequestDone))).not.toMatch(/I turned it on/);
});
