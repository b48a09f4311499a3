/**
 * The diagnosis verdict never calls a connection fine that it could not read: a throttled or failed read of the
 * flow's connections gives "could not be checked just now", not "every connection works".
 */
import { diagnosisReply, type Diagnosis } from '../../src/connections/flowDiagnosis';
import type { Environment, Flow } from '../../src/tenant/model';

const flow = { id: 'f1', displayName: 'Weekly report', state: 'Stopped' } as Flow;
const environment = { id: 'e1', displayName: 'Contoso DEV', isDefault: false } as Environment;
const diagnosis = (checks: Diagnosis['checks']): Diagnosis => ({
  flow,
  environment,
  problems: [],
  checks,
  checkedFor: 'you',
});
const cardText = (d: Diagnosis) => JSON.stringify(diagnosisReply(d).cards[0]);

test('a connection that could not be read is not reported as working', () => {
  const text = cardText(
    diagnosis([
      { label: 'Office 365 Outlook connection', result: 'could not be checked' },
      { label: 'SharePoint connection', result: 'connected, yours' },
    ]),
  );
  expect(text).not.toMatch(/Every connection this flow needs works/);
  expect(text).toMatch(/1 of the 2 connections this flow uses could not be checked just now/);
  expect(text).toMatch(/"color":"Attention"/);
});

test('every connection read and usable is reported as working', () => {
  const text = cardText(diagnosis([{ label: 'SharePoint connection', result: 'connected, yours' }]));
  expect(text).toMatch(/Every connection this flow needs works and may be used by you/);
  expect(text).toMatch(/"color":"Good"/);
});
