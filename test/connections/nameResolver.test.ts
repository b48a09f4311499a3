/** Tolerant name resolution: case, filler words, partial names, typos, ambiguity and suggestions. */
import { closestNames, resolveByName } from '../../src/connections/nameResolver';

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
