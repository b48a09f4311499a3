/** Finding the tenant's names inside what people type. */
import { NameIndex, type TenantName } from '../../src/understanding';
import { words } from '../../src/understanding/text';

const names: TenantName[] = [
  { type: 'flow', name: 'Weekly report', visibleTo: ['megan'] },
  { type: 'flow', name: 'Lunch order - create and store document' },
  { type: 'solution', name: 'Lunch order' },
  { type: 'solution', name: 'Inventory sync' },
  { type: 'flow', name: 'Inventory sync' },
  { type: 'app', name: 'CoE-Sync-SP' },
  { type: 'app', name: 'D365-App-Registration' },
  {
    type: 'user',
    name: 'Adele Vance',
    aliases: [{ text: 'adelev@example.com' }, { text: 'adelev' }, { text: 'Adele', when: 'capitalised' }],
  },
  { type: 'user', name: 'Will Smith', aliases: [{ text: 'Will', when: 'capitalised' }] },
  { type: 'user', name: 'TechUser_Sharepoint_PRD' },
  { type: 'connection', name: 'SQL Server', aliases: [{ text: 'sql' }] },
  { type: 'connection', name: 'Microsoft Teams', aliases: [{ text: 'teams', when: 'context' }] },
  { type: 'environment', name: 'Contoso PROD', aliases: [{ text: 'prod', when: 'context' }] },
];
const index = new NameIndex(names);
const found = (text: string, visible?: (n: TenantName) => boolean) =>
  index.find(words(text), visible).map((m) => `${m.hits[0].name.type}:${m.hits[0].name.name}`);

test.each([
  ['why cant i turn on weekly report', ['flow:Weekly report']],
  ['wekly reprot keeps failing', ['flow:Weekly report']],
  ["rotate CoE-Sync-SP's secret", ['app:CoE-Sync-SP']],
  ['d365 app registration needs a new secret', ['app:D365-App-Registration']],
  ['D365AppRegistration', ['app:D365-App-Registration']],
  ['share my sql connection with adelev@example.com', ['connection:SQL Server', 'user:Adele Vance']],
  ['where is TechUser_Sharepoint_PRD used', ['user:TechUser_Sharepoint_PRD']],
  ['my Teams connection in prod', ['connection:Microsoft Teams', 'environment:Contoso PROD']],
])('finds the names in %j', (text, expected) => {
  expect(found(text)).toEqual(expected);
});

test('a name’s first words stand for it, and the whole name wins over them', () => {
  const lunch = index.find(words('check lunch order'))[0];
  expect(lunch.hits.map((h) => `${h.name.type}:${h.name.name}:${h.score}`)).toEqual([
    'solution:Lunch order:1',
    'flow:Lunch order - create and store document:0.7',
  ]);
});

test('one name of two kinds keeps both, for the intent to choose', () => {
  const hit = index.find(words('inventory sync is broken'))[0];
  expect(hit.hits.map((h) => h.name.type).sort()).toEqual(['flow', 'solution']);
});

test('everyday words count as names only when written as names or said with their kind', () => {
  expect(found('Will needs my sql connection')).toEqual(['user:Will Smith', 'connection:SQL Server']);
  expect(found('will my sql connection expire')).toEqual(['connection:SQL Server']);
  expect(found('teams are great')).toEqual([]);
  expect(found('we test in prod')).toEqual(['environment:Contoso PROD']);
});

test('what the caller may not see is not found', () => {
  expect(found('weekly report is off', (n) => !n.visibleTo || n.visibleTo.includes('adele'))).toEqual([]);
  expect(found('weekly report is off', (n) => !n.visibleTo || n.visibleTo.includes('megan'))).toEqual([
    'flow:Weekly report',
  ]);
});

test('a short form of a name word, and a possessive without its apostrophe on a longer name, still find it', () => {
  const withVendor = new NameIndex([
    ...names,
    { type: 'solution', name: 'Vendor Management' },
    { type: 'user', name: 'Lee Gu' },
  ]);
  const find = (text: string) => withVendor.find(words(text)).map((m) => m.hits[0].name.name);
  expect(find('vendor mgmt refs')).toEqual(['Vendor Management']);
  expect(find('lee gus flows')).toEqual(['Lee Gu']);
  // a lone short word ending in s is not a name with a possessive
  expect(find('its broken')).toEqual([]);
});
