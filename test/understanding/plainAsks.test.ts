/**
 * Classes of wording the classifier misread (none of them a probe line): my things in an error state without a
 * flow named are my connections; people who left and what they still own are the leavers' findings of the health
 * report; what the bot has done is the audit log; a bare "never mind" asks for nothing and nothing is done.
 */
import { NOW, read } from './smallTenantReader';
import type { ConversationSubject } from '../../src/understanding';

const PRIVILEGED = ['requestShare', 'requestRotation', 'repointReferences', 'handover'];

const intentsOf = async (lines: string[], last?: ConversationSubject) =>
  Promise.all(lines.map(async (text) => [text, (await read(text, last)).intent]));

test('my stuff or my things in an error or broken state, no flow named: my connections', async () => {
  const lines = [
    'is any of my stuff broken',
    'are my things failing',
    'something of mine is in a failed state?',
    'which of mine are erroring right now',
    'my stuff in error',
  ];
  expect(await intentsOf(lines)).toEqual(lines.map((t) => [t, 'showMyConnections']));
});

test('a named flow in trouble is still a diagnosis', async () => {
  expect(await read('my Stock alerts flow is broken')).toMatchObject({ intent: 'diagnoseFlow' });
});

test('people who left and what they still own: the health report (leavers findings), never a hand-over', async () => {
  const lines = [
    'which leavers still own connections',
    'anyone departed who still owns things',
    'people no longer here that still own flows',
    'stuff owned by people who have left',
    'who has left the company but owns connections',
  ];
  expect(await intentsOf(lines)).toEqual(lines.map((t) => [t, 'healthReport']));
});

test('a named leaver is still about that person', async () => {
  expect(PRIVILEGED.concat('healthReport')).not.toContain((await read('what does Lee Gu still own')).intent);
});

test('"left" that is not about a person, and a hand-over of what leavers own, are not the report', async () => {
  expect((await read("what's left to fix in the flows I own")).intent).not.toBe('healthReport');
  expect((await read('hand over what the leavers own to Lynne')).intent).not.toBe('healthReport');
});

test('what the bot has done, its history or record: the audit log', async () => {
  const lines = [
    'what have you done recently',
    'show me the full history of what the bot did',
    'give me the record of your actions',
    'what did you change this week, whole log',
    'bot activity log please',
  ];
  expect(await intentsOf(lines)).toEqual(lines.map((t) => [t, 'audit']));
});

test('cancel words with nothing else: nothing will be done', async () => {
  const lines = ['forget it', 'cancel that', 'scratch that', 'nevermind', 'never mind, thanks', 'ok forget about it'];
  const read_ = await Promise.all(lines.map((t) => read(t)));
  expect(read_.map((u, i) => [lines[i], u.intent, u.choose?.title])).toEqual(
    lines.map((t) => [t, 'clarify', 'OK, nothing will be done.']),
  );
});

test('after a privileged request was drafted, "forget it" still drafts nothing', async () => {
  const last: ConversationSubject = {
    intent: 'requestRotation',
    entities: { app: 'ALM-Pipeline-SP' },
    at: NOW.toISOString(),
  };
  for (const text of ['forget it', 'scratch that', 'cancel that'])
    expect([text, (await read(text, last)).intent]).not.toEqual([text, expect.stringMatching(PRIVILEGED.join('|'))]);
});

test('cancel words with a real ask after them read the ask', async () => {
  expect(await read('forget it, show my connections')).toMatchObject({ intent: 'showMyConnections' });
});
