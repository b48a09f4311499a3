/**
 * The verb catalogue and the cards agree: every Action.Execute verb a template in cards/ or a button built in code
 * (src/) can carry is registered, and every registered verb is on some card. A button whose verb is not registered
 * would be answered "no longer supported"; a registered verb no card uses is dead code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { CARD_VERBS } from '../../../src/app/cardVerbs/catalogue';
import { listTemplates } from '../../../src/cards/renderCard';
import { builtInOperations } from '../../../src/operations/registry';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');
const registered = new Set(CARD_VERBS.map((entry) => entry.verb));
/** Operation kinds' own request buttons are routed by operationRequestVerbs.ts, not listed in the catalogue. */
const answered = new Set([...registered, ...builtInOperations().requestVerbs()]);

/** The `verb` of every Action.Execute in a template: a literal, or an expression filled in from data. */
function templateVerbs(name: string): string[] {
  const verbs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute') verbs.push(String(record.verb));
      Object.values(record).forEach(walk);
    }
  };
  walk(JSON.parse(fs.readFileSync(path.resolve(SRC, '..', 'cards', `${name}.json`), 'utf8')));
  return verbs;
}

const isExpression = (verb: string) => verb.startsWith('${');

/**
 * The verbs code writes, read from the source: a `verb` written in an object (a button, a finding's next step,
 * the buttons messageUnderstanding.ts reads back), the verb argument of `executeAction(title, verb, data)`, and
 * `…_VERB` constants. A refusal's `verb` (refuse(ctx, caller, { verb: 'audit' })) names what was refused for the
 * audit log and is no button.
 */
function codeVerbs(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (verb: string, file: string) => found.set(verb, [...(found.get(verb) ?? []), path.relative(SRC, file)]);
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'emulator' ? [] : files(full);
      return e.name.endsWith('.ts') ? [full] : [];
    });
  for (const file of files(SRC)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node) && !isRefusal(node, source)) {
        const verb = node.properties
          .filter(ts.isPropertyAssignment)
          .find((p) => p.name.getText(source) === 'verb')?.initializer;
        if (verb && ts.isStringLiteralLike(verb)) add(verb.text, file);
      }
      if (ts.isCallExpression(node) && node.expression.getText(source) === 'executeAction') {
        const verb = node.arguments[1];
        if (verb && ts.isStringLiteralLike(verb)) add(verb.text, file);
      }
      if (
        ts.isVariableDeclaration(node) &&
        node.name.getText(source).endsWith('_VERB') &&
        node.initializer &&
        ts.isStringLiteralLike(node.initializer)
      ) {
        add(node.initializer.text, file);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function isRefusal(node: ts.Node, source: ts.SourceFile): boolean {
  const call = node.parent;
  return ts.isCallExpression(call) && call.expression.getText(source) === 'refuse';
}

const templates = listTemplates();
const fromTemplates = new Map(templates.map((name) => [name, templateVerbs(name)]));
const fromCode = codeVerbs();

describe('the card verb catalogue', () => {
  it('registers every verb a template puts on a button', () => {
    const unregistered = [...fromTemplates].flatMap(([name, verbs]) =>
      verbs.filter((v) => !isExpression(v) && !answered.has(v)).map((v) => `${name}.json: ${v}`),
    );
    expect(unregistered).toEqual([]);
  });

  it('registers every verb a button built in code carries', () => {
    const unregistered = [...fromCode].filter(([verb]) => !answered.has(verb)).map(([v, files]) => `${v} (${files})`);
    expect(unregistered).toEqual([]);
  });

  it('finds the buttons built in code (so the check above has something to check)', () => {
    // One of each form the source scan reads: a finding's button, executeAction(), a constant.
    expect(fromCode.get('rotation.request')).toEqual(
      expect.arrayContaining([path.join('connections', 'rowAction.ts')]),
    );
    expect(fromCode.get('flow.diagnose')).toEqual(
      expect.arrayContaining([path.join('connections', 'flowDiagnosis.ts')]),
    );
    expect(fromCode.get('flow.askToTurnOn')).toBeDefined();
    expect(fromCode.get('flow.diagnose')).toEqual(
      expect.arrayContaining([path.join('app', 'messageUnderstanding.ts')]),
    );
  });

  it('uses every registered verb on some card', () => {
    const used = new Set([...[...fromTemplates.values()].flat(), ...fromCode.keys()]);
    expect(CARD_VERBS.map((e) => e.verb).filter((v) => !used.has(v))).toEqual([]);
  });

  it('lists each verb once, each an area and an action', () => {
    expect(registered.size).toBe(CARD_VERBS.length);
    for (const entry of CARD_VERBS) expect(entry.verb).toMatch(/^[a-z]+\.[A-Za-z]+$/);
  });
});
