/**
 * Claims of the knowledge articles checked one by one against Microsoft Learn (docs/claims-checked.md, the rows
 * naming this file). Each test asks what a maker would ask and checks the answer says what the page says, and no
 * longer says what the page does not: where the page is silent the answer must say "not confirmed".
 */
import { createAnswerer, loadKnowledgeBase } from '../../src/knowledge';

const kb = loadKnowledgeBase();
const answerer = createAnswerer(kb);

/** The text and sources of one section, found by its article and a word of its heading. */
function section(articleId: string, heading: RegExp): { text: string; urls: string[] } {
  const passage = kb.byArticle.get(articleId)?.passages.find((p) => heading.test(p.heading));
  if (!passage) throw new Error(`no section ${String(heading)} in ${articleId}`);
  return { text: passage.text, urls: passage.sources.map((s) => s.url) };
}

test('pipelines: a stage-owner deployment cannot deploy a solution with OAuth connection references at all', () => {
  const answer = answerer.answer("What can't a stage-owner deployment do with OAuth connections?");
  expect(answer).toMatchObject({ articleId: 'pipelines-delegated-deployment' });
  expect(answer.passage).toMatch(/cannot deploy a solution that contains connection references for OAuth connections/);
  // The old advice (use the stage owner's own connections) contradicts the page: such a solution is refused.
  expect(answer.passage).not.toMatch(/Use connections that the stage owner owns/);
});

test('pipelines: the Basic User requirement is no longer on the page and is marked', () => {
  const setUp = section('pipelines-delegated-deployment', /roles and set-up/).text;
  expect(setUp).toMatch(/\*\*Basic User\*\* \(not confirmed on the current page/);
  expect(setUp).not.toMatch(/Whoever deploys needs at least the \*\*Basic User\*\* role/);
  const access = section('pipelines-delegated-deployment', /how makers get access/).text;
  expect(access).not.toMatch(/Basic User/);
  expect(access).toMatch(/only the \*\*first time\*\*/);
  expect(access).toMatch(/not individual users/);
  expect(section('pipelines-delegated-deployment', /owner of the enterprise application/).text).not.toMatch(
    /set the client ID on the stage again/,
  );
});

test('renaming connections is the forum practitioners’ report, not a documented rule', () => {
  const answer = answerer.answer('Can I rename my connections?');
  expect(answer).toMatchObject({ articleId: 'technical-users-and-licensing' });
  expect(answer.passage).toMatch(/Practitioners in the forum thread report/);
  expect(answer.passage).toMatch(/not confirmed on Microsoft Learn/);
  expect(answer.passage).not.toMatch(/an Office 365 Outlook connection cannot/);
});

test('a service principal owned flow’s designated licensed user is a co-owner, set in each environment', () => {
  const licensing = section('technical-users-and-licensing', /Service principals and licenses/);
  expect(licensing.text).toMatch(/a co-owner of the flow/);
  expect(licensing.text).toMatch(/not carried in a solution/);
  expect(licensing.urls).toContain('https://learn.microsoft.com/en-us/power-automate/assign-user-license-service-principal-flow');
  const appUsers = section('application-users-and-roles', /Licensing of application users/);
  expect(appUsers.text).toMatch(/a co-owner of the flow/);
  expect(appUsers.urls).toContain('https://learn.microsoft.com/en-us/power-automate/assign-user-license-service-principal-flow');
  const owned = section('service-principal-owned-flows', /License of a flow owned/).text;
  expect(owned).toMatch(/one of the flow's owners too/);
  expect(owned).not.toMatch(/for a flow group or a designated user the page does not say/);
});

test('Conditional Access: sign-in frequency and service principal connections are marked not confirmed', () => {
  const why = section('conditional-access-and-connections', /sign in again/).text;
  expect(why).toMatch(/\*\*sign-in frequency\*\* rule that forces a fresh sign-in may do the same \(not confirmed/);
  const sp = section('conditional-access-and-connections', /Exclude service accounts/);
  expect(sp.text).not.toMatch(/MFA prompts and interactive sign-in rules don't interrupt it/);
  expect(sp.text).toMatch(/not confirmed on Microsoft Learn/);
  expect(sp.urls).toContain('https://d365update.com/power-automate-with-a-service-principal-app-registration/');
});

test('DLP: HTTP connector grouping might affect child flows, as the page says, not "blocks" them', () => {
  const answer = answerer.answer('Does blocking HTTP in DLP affect Run a Child Flow?');
  expect(answer).toMatchObject({ articleId: 'data-policies-and-connections' });
  expect(answer.passage).toMatch(/\*\*might affect\*\*/);
  expect(answer.passage).not.toMatch(/blocking HTTP blocks child flows/);
  const runtime = section('data-policies-and-connections', /What Blocked means/).text;
  expect(runtime).toMatch(/marks them \*\*Suspended\*\* \(by polling, so not at once\)/);
  expect(runtime).toMatch(/in our reading/);
});

test('HTTP with Entra ID: blocking the preauthorized connector can affect what depends on it', () => {
  const restrict = section('http-with-microsoft-entra-id', /Restricting/).text;
  expect(restrict).toMatch(/some other connectors and features depend on the preauthorized connector/);
});

test('Managed Environments: an app or flow out of compliance can only be unshared', () => {
  const answer = answerer.answer(
    'We turned on sharing limits in a managed environment. What happens to apps already shared with 500 people?',
  );
  expect(answer).toMatchObject({ articleId: 'managed-environments-sharing-limits' });
  expect(answer.passage).toMatch(/can then only be \*\*unshared\*\*/);
});

test('environment variables: wording kept to what the pages say', () => {
  expect(section('environment-variables-and-connections', /Current value, default value/).text).not.toMatch(
    /Only one value per definition is allowed\./,
  );
  const firewall = section('environment-variable-secrets', /firewall/).text;
  expect(firewall).not.toMatch(/because the list changes/);
  expect(firewall).toMatch(/not confirmed: how often it changes/);
  expect(section('environment-variable-secrets', /cannot be used/).text).toMatch(/our suggestion, not from the page/);
});

test('canvas apps: when Power Apps prompts for each user’s own connection is marked', () => {
  const text = section('canvas-app-connection-sharing', /Implicitly shared connections/).text;
  expect(text).not.toMatch(/the first time they open the app \(the consent prompt\)/);
  expect(text).toMatch(/not confirmed on this page/);
});
