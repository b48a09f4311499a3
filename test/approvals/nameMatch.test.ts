/** Loose name matching for what people type: case, punctuation, prefixes; ties are reported, not guessed. */
import { bestMatches, matchScore } from '../../src/approvals/nameMatch';

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
