/**
 * Compiled card templates expand exactly as adaptivecards-templating does: for every template in cards/ that
 * compiles, random data built from the names the template uses (strings — empty and `${…}` ones too — numbers,
 * booleans, null, undefined, missing fields, nested objects and arrays, names in other letter case) gives the same card, or
 * the same failure. Templates with expressions the compiler leaves alone are named, so the list is deliberate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import * as ACData from 'adaptivecards-templating';
import { compileTemplate } from '../../src/cards/compiledTemplate';

const CARDS = path.resolve(__dirname, '..', '..', 'cards');
const templates = fs
  .readdirSync(CARDS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f.replace(/\.json$/, ''), payload: JSON.parse(fs.readFileSync(path.join(CARDS, f), 'utf8')) }));

/** Every property name a template's expressions mention. */
function namesIn(payload: unknown): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(payload).matchAll(/\$\{([^}]*)\}/g)) {
    for (const n of m[1].matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) names.add(n[0]);
  }
  return [...names];
}

function dataFor(names: string[]): fc.Arbitrary<Record<string, unknown>> {
  const name = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => n.toUpperCase()) },
  );
  const leaf = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('', 'url', 'execute', '${title}', 'Good'),
    fc.integer({ min: -2, max: 3 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  );
  const { node } = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.dictionary(name, tie('node'), { maxKeys: 4 }),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
  }));
  return fc.dictionary(name, node, { maxKeys: names.length + 2 });
}

function outcome(expand: () => unknown): { card?: unknown; fails?: true } {
  try {
    return { card: expand() };
  } catch {
    return { fails: true };
  }
}

test('the templates with expressions beyond paths and text comparisons are left to the library', () => {
  const library = templates.filter((t) => !compileTemplate(t.payload)).map((t) => t.name);
  expect(library.sort()).toEqual([
    'approvalFinal',
    'approvalRequest',
    'auditLog',
    'digest',
    'expiringCredentials',
    'flowDiagnosis',
    'requestConfirm',
  ]);
  expect(compileTemplate(templates.find((t) => t.name === 'answer')!.payload)).toBeDefined();
});

describe.each(templates.filter((t) => compileTemplate(t.payload)))('$name', ({ payload }) => {
  const compiled = compileTemplate(payload)!;
  const library = new ACData.Template(payload);

  test('expands as adaptivecards-templating does on random data', () => {
    fc.assert(
      fc.property(dataFor(namesIn(payload)), (data) => {
        expect(outcome(() => compiled(data))).toEqual(outcome(() => library.expand({ $root: data })));
      }),
      { numRuns: 300 },
    );
  });
});
