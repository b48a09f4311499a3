/**
 * Resolving the name a request carries: case, filler words, partial names, typos, ambiguity and suggestions;
 * several ways of naming one thing (display name, UPN, connector) scored at once, ties reported, not guessed.
 */
import { bestMatches, closestNames, matchScore, resolveByName } from '../../src/understanding/nameResolution';

const flows = [
  'Weekly report',
  'Monthly report',
  'Site request intake',
  'Lunch order - create and store document',
  'Invoice approval routing',
  'Vendor onboarding',
  'Nightly export',
];
const resolve = (query: string) => resolveByName(query, flows, (name) => name);

test.each([
  ['WEEKLY REPORT', 'Weekly report'],
  ['the weekly report flow', 'Weekly report'],
  ['wekly reprot', 'Weekly report'],
  ['lunch order', 'Lunch order - create and store document'],
  ['vendr onbording', 'Vendor onboarding'],
])('"%s" resolves to %s', (query, expected) => {
  expect(resolve(query)).toEqual({ kind: 'one', item: expected });
});

test('a word shared by several names is ambiguous', () => {
  const result = resolve('report');
  expect(result.kind).toBe('many');
  expect(result.kind === 'many' && [...result.items].sort()).toEqual(['Monthly report', 'Weekly report']);
});

test('the same name in several places is ambiguous even when typed exactly', () => {
  const items = [
    { name: 'Weekly report', env: 'DEV' },
    { name: 'Weekly report', env: 'PROD' },
  ];
  const result = resolveByName('weekly report', items, (i) => i.name);
  expect(result.kind === 'many' && result.items.map((i) => i.env)).toEqual(['DEV', 'PROD']);
});

test('nothing found gives the closest names as suggestions', () => {
  expect(resolve('payroll sync')).toEqual({ kind: 'none', suggestions: [] });
  expect(closestNames('nightly exports job', flows)).toContain('Nightly export');
});

test('matches case- and punctuation-insensitively, preferring the exact name', () => {
  const apps = ['D365-App-Registration', 'AppUser_Dataverse_PRD', 'CoE-Sync-SP'];
  expect(bestMatches(apps, (a) => matchScore('d365 app registration', a))).toEqual(['D365-App-Registration']);
  expect(bestMatches(apps, (a) => matchScore('coe sync', a))).toEqual(['CoE-Sync-SP']);
});

test('an environment word finds its environment', () => {
  const envs = ['Contoso (default)', 'Contoso DEV', 'Contoso TEST', 'Contoso PROD'];
  expect(bestMatches(envs, (e) => matchScore('DEV', e))).toEqual(['Contoso DEV']);
});

test('a first name or a UPN finds the person', () => {
  const people = [
    { name: 'Adele Vance', upn: 'adelev@example.com' },
    { name: 'Alex Wilber', upn: 'alexw@example.com' },
  ];
  const score = (q: string) => (p: (typeof people)[number]) => matchScore(q, p.name, p.upn, p.upn.split('@')[0]);
  expect(bestMatches(people, score('Adele')).map((p) => p.name)).toEqual(['Adele Vance']);
  expect(bestMatches(people, score('alexw@example.com')).map((p) => p.name)).toEqual(['Alex Wilber']);
});

test('ambiguous queries return every tie and nonsense returns nothing', () => {
  const names = ['Outlook (DEV)', 'Outlook (PROD)'];
  expect(bestMatches(names, (n) => matchScore('outlook', n))).toHaveLength(2);
  expect(bestMatches(names, (n) => matchScore('zzz', n))).toEqual([]);
});
