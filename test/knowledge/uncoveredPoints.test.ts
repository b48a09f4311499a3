/**
 * Questions about our subject whose asked point no article covers: a setting or behaviour of a connection or
 * connector (retries, timeouts, throttling, gateway clusters, proxies…) that the knowledge base never mentions. The
 * bot must say its articles don't cover that point and offer the nearest topics, not answer with a section that only
 * shares the question's connector or "connection". Beside them, questions the articles do cover, in other words
 * than the articles' own, must still be answered, so that declining is not bought by declining everything.
 */
import { createAnswerer, loadKnowledgeBase } from '../../src/knowledge';

const kb = loadKnowledgeBase();
const answerer = createAnswerer(kb);
const titles = kb.articles.map((a) => a.title);

const UNCOVERED = [
  'How do I change the retry count of the HTTP action in my flow?',
  'What is the throttling limit of the Office 365 Outlook connector per connection?',
  'How do I add a second gateway to a gateway cluster for my SQL Server connection?',
  'Can I raise the timeout of the Dataverse connector to 10 minutes?',
  'How do I route a custom connector connection through a proxy server?',
  'Which TLS version does the SQL Server connector use for its connection?',
  'Does the SFTP connection support an SSH key with a passphrase?',
  'How do I turn on pagination for the SharePoint get items action so I get more than 100 rows?',
  'How do I set the degree of parallelism on the Dataverse trigger?',
  'Can I pin a connection to one particular gateway member of a gateway cluster?',
  'How long does the Dataverse connector cache table metadata before my connection sees new columns?',
  'Which time zone does a SharePoint connection use for dates it returns?',
  'How do I set the retry interval of the Dataverse connector when it gets 429 errors?',
  'Can a SQL Server connection read Always Encrypted columns?',
];

const COVERED: [string, string][] = [
  ['Which connectors is a data policy unable to put in the Blocked group?', 'data-policies-and-connections'],
  ['our key vault has its firewall on and the secret env var fails, which addresses must we allow?', 'environment-variable-secrets'],
  ['When I share my canvas app, do users get my SQL Server connection too?', 'canvas-app-connection-sharing'],
  ['can a co-owner of my flow reuse my Outlook connection in flows of their own?', 'co-owners-and-run-only-connections'],
  ['before I remove a connection, how do I see what apps and flows depend on it?', 'connection-housekeeping'],
  ['Conditional Access sign-in frequency keeps making our connections ask for sign in again, why?', 'conditional-access-and-connections'],
  ['Can I give a coworker my OAuth connection?', 'sharing-connections'],
  ['Where do I find the ConnectionId to put in the deployment settings file?', 'deployment-settings-file'],
  ['Our flows still use the legacy Dataverse connector, will they break?', 'dataverse-legacy-connector'],
  ['does a changed environment variable value reach a flow that is already running?', 'environment-variables-and-connections'],
];

test.each(UNCOVERED)('%j is declined with the nearest topics', (question) => {
  const answer = answerer.answer(question);
  expect({ confident: answer.confident, article: answer.articleId }).toEqual({ confident: false, article: undefined });
  expect(answer.nearest.length).toBeGreaterThan(0);
  for (const n of answer.nearest) expect(titles).toContain(n.title);
});

/**
 * Still answered, wrongly, from the section about turning on a flow that uses someone's connections: the articles do
 * use "pool" ("tenant pool" of requests), so the point is not a word they never use, and the rest of the question
 * (turn on, SQL Server connector) is well covered. Recognising a known word used in another phrase is not done yet;
 * this test fails (and says so) once it is.
 */
test.failing('"How do I turn on connection pooling for the SQL Server connector?" is declined (known miss)', () => {
  const answer = answerer.answer('How do I turn on connection pooling for the SQL Server connector?');
  expect(answer.confident).toBe(false);
});

test.each(COVERED)('%j is answered from %s', (question, articleId) => {
  expect(answerer.answer(question)).toMatchObject({ confident: true, articleId });
});
