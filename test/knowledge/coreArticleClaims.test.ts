/**
 * Claims of the core knowledge articles (connections, references, sharing, service principals) checked one by one
 * against ../shared/sources and Microsoft Learn (docs/claims-checked.md, the rows naming this file). Each test fails
 * on the wording that contradicted a source or claimed what no source says, and checks the section now cites the
 * page it relies on.
 */
import { createAnswerer, loadKnowledgeBase } from '../../src/knowledge';

const kb = loadKnowledgeBase();
const answerer = createAnswerer(kb);

const TROUBLESHOOT =
  'https://learn.microsoft.com/en-us/troubleshoot/power-platform/power-automate/connections/troubleshoot-broken-connections';

/** The text and source urls of one section, found by its article and a word of its heading. */
function section(articleId: string, heading: RegExp): { text: string; urls: string[] } {
  const passage = kb.byArticle.get(articleId)?.passages.find((p) => heading.test(p.heading));
  if (!passage) throw new Error(`no section ${String(heading)} in ${articleId}`);
  return { text: passage.text, urls: passage.sources.map((s) => s.url) };
}

test('a service principal owned flow: when Learn advises it and what to share follow the current page', () => {
  // The 2026 revision names mission-critical flows (owner leaving, premium license removed) and pipelines; the
  // high-volume bullet of the 2024 revision is gone.
  const when = section('service-principal-owned-flows', /When a service principal should own/).text;
  expect(when).not.toMatch(/or the flow is critical and needs a high volume of Power Platform requests\./);
  expect(when).toMatch(/\*\*mission-critical\*\*/);
  expect(when).toMatch(/premium license is taken away/);
  // Sharing: only a flow outside a solution needs its connections shared (the 2024 revision listed it for every
  // flow; an earlier pass of this audit, reading that revision, got it wrong).
  const steps = section('service-principal-owned-flows', /Making a service principal the owner/).text;
  expect(steps).toMatch(/A \*\*solution\*\* flow needs no sharing: the current Learn page says so explicitly/);
  const answer = answerer.answer(
    'Do I have to share the connections with the application user before a service principal owns a solution flow?',
  );
  expect(answer).toMatchObject({ articleId: 'service-principal-owned-flows' });
});

test('automated sharing: the role names and the ALM Accelerator example are not confirmed by the current page', () => {
  const automating = section('sharing-connections', /Automating connection sharing/).text;
  expect(automating).not.toMatch(/Microsoft's ALM Accelerator uses it/);
  expect(automating).not.toMatch(/\(the same roles as the Share pane, such as Can use\)/);
  expect(automating).toMatch(/\*\*role name\*\*/);
  expect(automating).toMatch(/is not confirmed/);
});

test('an expired secret is a cause of failing connections, not "the usual" or "most common" one', () => {
  const secret = section('client-secret-rotation', /Client secret or certificate/).text;
  expect(secret).not.toMatch(/usual reason/);
  expect(secret).toMatch(/no source says/);
  const reasons = section('service-principal-connections', /Common reasons/);
  expect(reasons.text).not.toMatch(/most common cause/);
  // Added from Learn's troubleshooting guide: an application disabled by the tenant admin.
  expect(reasons.text).toMatch(/\*\*disabled the application\*\*/);
  expect(reasons.urls).toContain(TROUBLESHOOT);
});

test('a connection in error: the fix depends on the cause, as Learn’s troubleshooting guide says', () => {
  const fixing = section('fixing-broken-connections', /Fixing a connection in Error/);
  expect(fixing.urls).toContain(TROUBLESHOOT);
  // A disabled owner cannot sign in again: another user with access re-authorizes it and becomes its owner.
  expect(fixing.text).toMatch(/\*\*another user with access\*\* to the connection can re-authorize it/);
  expect(fixing.text).toMatch(/an admin enables it again/);
  // The old wording told everyone to turn flows back on, as if a broken connection always turned them off.
  expect(fixing.text).not.toMatch(/then turn the affected flows back on\./);
  expect(fixing.text).toMatch(/turns a flow off by itself is not confirmed/);
});

test('an imported flow left without connections staying off is marked, since the import pages do not say it', () => {
  const imported = section('connection-references-in-solutions', /solution is imported/).text;
  expect(imported).toMatch(/stays \*\*off\*\* until they do \(not confirmed/);
});

test('connectors without service principal sign-in: marked as not re-checked against their reference pages', () => {
  const which = section('service-principal-connections', /Which connectors offer/).text;
  expect(which).toMatch(/not confirmed in this check/);
});

test('run-only users provide their own connection; "the first time they run it" is not on the page', () => {
  const runOnly = section('co-owners-and-run-only-connections', /Run-only users and their own connections/).text;
  expect(runOnly).not.toMatch(/the first time they run it/);
  expect(runOnly).toMatch(/each run-only user provides \*\*their own connection\*\*/);
});

test('client secrets: Learn says not to use them in production, more than "a certificate is generally preferred"', () => {
  const choice = section('client-secret-rotation', /Client secret or certificate/);
  expect(choice.text).not.toMatch(/fine for testing/);
  expect(choice.text).not.toMatch(/generally preferred in production/);
  expect(choice.text).toMatch(/client secrets should \*\*not be used in production\*\*/);
  expect(choice.text).toMatch(/at most 24 months/);
  expect(choice.urls).toContain('https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials');
  const practices = section('service-principal-connections', /Best practices/);
  expect(practices.text).not.toMatch(/prefer certificate-based authentication in production/);
  expect(practices.urls).toContain('https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials');
});

test('rotating without downtime cites where several valid secrets come from (Graph: a collection of secrets)', () => {
  const rotating = section('client-secret-rotation', /Rotating a client secret/);
  expect(rotating.text).toMatch(/can hold more than one valid secret at a time/);
  expect(rotating.urls).toContain('https://learn.microsoft.com/en-us/graph/api/resources/application');
});

test('Run as: the trigger-plus-invoker steps are the classic designer’s; the new designer picks Run as per action', () => {
  const runAs = section('dataverse-run-only-users-and-run-as', /The Run as option/).text;
  expect(runAs).toMatch(/These are the classic designer's steps/);
  expect(runAs).toMatch(/pick \*\*Run as\*\* step by step/);
});
