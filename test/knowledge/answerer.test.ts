/**
 * The local answerer: the right passage for plain, typo'd and abbreviated questions, sources and follow-ups with
 * every answer, and a plain "not sure" for questions outside Power Platform connections.
 */
import { createAnswerer, loadKnowledgeBase } from '../../src/knowledge';

const answerer = createAnswerer(loadKnowledgeBase());

test.each([
  ['What is a connection reference?', 'connection-references', /solution component/i],
  ['conection refrence naming', 'connection-references', /unique/i],
  ['how do i set up a servce principal conection', 'service-principal-connections', /application user/i],
  ['SP connection for dataverse, what do I need?', 'service-principal-connections', /client secret/i],
  ['conn ref limit per flow', 'connection-references-in-solutions', /no limit/i],
  ['should the app user keep sysadmin?', 'application-users-and-roles', /custom security role/i],
  ['does MFA break flows on my account?', 'connection-ownership-and-leavers', /MFA/],
  ['app reg secret or cert in prod?', 'client-secret-rotation', /certificate/i],
  ['CR shows invalid connection', 'fixing-broken-connections', /bad state/i],
])('%j is answered from %s', (question, articleId, phrase) => {
  const answer = answerer.answer(question);
  expect(answer).toMatchObject({ confident: true, articleId });
  expect(answer.passage).toMatch(phrase);
});

test('an answer carries the sources of the sections it shows, related questions from other articles and fitting actions', () => {
  const answer = answerer.answer('How can I automate sharing connections?');
  expect(answer.articleId).toBe('sharing-connections');
  expect(answer.heading).toBe('Automating connection sharing');
  expect(answer.passage).toMatch(/Edit Connection Role Assignment/);
  // The section's own Sources line comes first, and the line itself is not repeated in the text.
  expect(answer.sources.slice(0, 2).map((s) => s.url)).toEqual([
    'https://learn.microsoft.com/en-us/power-apps/maker/data-platform/create-connection-reference',
    'https://learn.microsoft.com/en-us/connectors/powerappsforappmakers/',
  ]);
  expect(answer.passage).not.toMatch(/^Sources:/m);
  expect(answer.related).toHaveLength(3);
  const kb = loadKnowledgeBase();
  const own = kb.byArticle.get('sharing-connections')!.questions;
  for (const q of answer.related) expect(own).not.toContain(q);
  expect(answer.suggestedActions).toEqual(expect.arrayContaining(['showMyConnections', 'diagnoseFlow']));
});

test.each([
  'Who won the football match last night?',
  "Translate 'good morning' into German.",
  "What's the weather in Seattle tomorrow?",
  'Write me a poem about Power Automate',
  'Write me Python code that sorts a list',
  'How do I create a storage account in Azure?',
  'How do I resize an Azure virtual machine?',
  'What is the capital of Australia?',
  'How many calories are in a banana?',
  '',
  '???',
])('declines the out-of-scope question %j', (question) => {
  const answer = answerer.answer(question);
  expect(answer).toMatchObject({ confident: false, sources: [], related: [] });
  expect(answer.passage).toBeUndefined();
});

test.each([
  // The asked point leads, even when the section opens with something else.
  ['Can I add a service principal as a co-owner of my flow?', /can't be made a co-owner/],
  ['Does Run as change the identity of every action in the flow?', /Use invoker's connection/],
  ['What happens to imported flows whose connection references get no connection?', /stays \*\*off\*\*/],
])('the answer to %j leads with the sentence that answers it', (question, lead) => {
  const answer = answerer.answer(question);
  expect(answer.confident).toBe(true);
  expect(answer.lead).toMatch(lead);
  expect(answer.passage!.startsWith(answer.lead!)).toBe(true);
  // Said once: the lead sentence is not repeated in the rest of the passage.
  expect(answer.passage!.split(answer.lead!).length).toBe(2);
});

test('an answer cites the pages of the section it shows, not every page of its article', () => {
  const answer = answerer.answer('Can I add a service principal as a co-owner of my flow?');
  expect(answer.articleId).toBe('service-principal-owned-flows');
  expect(loadKnowledgeBase().byArticle.get('service-principal-owned-flows')!.sources.length).toBeGreaterThan(1);
  expect(answer.sources.map((s) => s.url)).toEqual(['https://learn.microsoft.com/en-us/power-automate/service-principal-support']);
});

test('a question about our subject that no article covers is declined with the nearest topics', () => {
  const answer = answerer.answer('How do I set the retry policy of a SharePoint connection?');
  expect(answer.confident).toBe(false);
  expect(answer.nearest.length).toBeGreaterThan(0);
  const kb = loadKnowledgeBase();
  for (const n of answer.nearest) expect(kb.articles.map((a) => a.title)).toContain(n.title);
});

test('an out-of-scope question gets no nearest topics', () => {
  expect(answerer.answer('Who won the football match last night?').nearest).toEqual([]);
});
