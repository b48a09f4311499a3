/**
 * A faster expansion of an adaptivecards-templating Template for the subset of the template language the cards in
 * cards/ use: paths (`${a.b}`, `${$root.a}`), string interpolation, `==` / `!=` / `<` / `>` / `<=` / `>=` between
 * values of one type, `count(path)`, `if(…)`, `||` / `&&` / `!` of booleans, `$data` bound to a path and `$when`. It walks the template the library
 * already prepared (its parsed expressions), with the library's own rules for `$data` arrays, dropped objects and
 * nulls, and evaluates each expression through a closure made once per expression. The library evaluates every
 * expression through its general evaluator, which for a page of 15 connection rows was about a millisecond of the
 * turn.
 *
 * Whenever something falls outside that subset or the data would need the library's substitution rules (a missing
 * or null value, a value of a type the rule is not written for), it gives up with NOT_HANDLED and renderCard expands
 * the template with the library: the result is always the library's (test/cards/fastExpand.test.ts compares them).
 */
import type { Template } from 'adaptivecards-templating';

/**
 * An expression of the prepared payload (adaptive-expressions' Expression, which the templating package brings as
 * its peer; told apart from card JSON by its evaluate method, which no JSON has). Types by their names there.
 */
interface Expression {
  type: string;
  children: Expression[];
  value?: unknown;
  tryEvaluate: unknown;
}
const isExpression = (node: unknown): node is Expression =>
  typeof node === 'object' && node !== null && typeof (node as Expression).tryEvaluate === 'function';
const T = {
  Accessor: 'Accessor',
  Constant: 'Constant',
  Concat: 'concat',
  Count: 'count',
  Equal: '==',
  NotEqual: '!=',
  LessThan: '<',
  GreaterThan: '>',
  LessThanOrEqual: '<=',
  GreaterThanOrEqual: '>=',
  If: 'if',
  Or: '||',
  And: '&&',
  Not: '!',
} as const;

export const NOT_HANDLED = Symbol('not handled by fastExpand');

class NotHandled extends Error {}
/** An expression outside the subset: the template is left to the library from then on. */
class Unsupported extends NotHandled {}
const giveUp = (): never => {
  throw new NotHandled();
};
const unsupported = (): never => {
  throw new Unsupported();
};
const leftToTheLibrary = new WeakSet<Template>();

interface Scope {
  root: unknown;
  data: unknown;
}
type Evaluate = (scope: Scope) => unknown;

const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);
const compiled = new WeakMap<Expression, Evaluate>();

function property(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return giveUp();
  // Own properties only: the library also matches a name in another case, which no card relies on.
  return Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, unknown>)[name] : giveUp();
}

/** An accessor chain `a.b.c` as names from the outside in, or undefined when it is anything else. */
function pathOf(expression: Expression): string[] | undefined {
  if (expression.type !== T.Accessor) return undefined;
  const [name, parent] = expression.children;
  if (name?.type !== T.Constant || typeof name.value !== 'string') return undefined;
  if (!parent) return [name.value];
  const head = pathOf(parent);
  return head && [...head, name.value];
}

function compilePath(names: string[]): Evaluate {
  const [first, ...rest] = names;
  if (first.startsWith('$') && first !== '$root' && first !== '$data') return unsupported();
  const start = first === '$root' ? (s: Scope) => s.root : first === '$data' ? (s: Scope) => s.data : undefined;
  const path = start ? rest : names;
  return (scope) => {
    let value = start ? start(scope) : scope.data;
    for (const name of path) value = property(value, name);
    if (value === undefined || value === null) return giveUp();
    return value;
  };
}

const COMPARE: Record<string, (a: number | string | boolean, b: number | string | boolean) => boolean> = {
  [T.Equal]: (a, b) => a === b,
  [T.NotEqual]: (a, b) => a !== b,
  [T.LessThan]: (a, b) => a < b,
  [T.GreaterThan]: (a, b) => a > b,
  [T.LessThanOrEqual]: (a, b) => a <= b,
  [T.GreaterThanOrEqual]: (a, b) => a >= b,
};
const ORDERING = new Set<string>([T.LessThan, T.GreaterThan, T.LessThanOrEqual, T.GreaterThanOrEqual]);

function compile(expression: Expression): Evaluate {
  const known = compiled.get(expression);
  if (known) return known;
  let evaluate: Evaluate;
  const path = pathOf(expression);
  if (path) evaluate = compilePath(path);
  else if (expression.type === T.Constant) {
    const value: unknown = expression.value;
    evaluate = () => value;
  } else if (expression.type === T.Count && expression.children.length === 1) {
    const of = compile(expression.children[0]);
    evaluate = (scope) => {
      const value = of(scope);
      return Array.isArray(value) || typeof value === 'string' ? value.length : giveUp();
    };
  } else if (COMPARE[expression.type] && expression.children.length === 2) {
    const [left, right] = expression.children.map(compile);
    const compare = COMPARE[expression.type];
    const ordering = ORDERING.has(expression.type);
    evaluate = (scope) => {
      const a = left(scope);
      const b = right(scope);
      // Same primitive type only (numbers for an ordering): the library's rules for mixed types are its own.
      if (typeof a !== typeof b || !['string', 'number', 'boolean'].includes(typeof a)) return giveUp();
      if (ordering && typeof a !== 'number') return giveUp();
      return compare(a as string, b as string);
    };
  } else if (expression.type === T.If && expression.children.length === 3) {
    const [condition, then, otherwise] = expression.children.map(compile);
    evaluate = (scope) => {
      const test = condition(scope);
      return typeof test !== 'boolean' ? giveUp() : test ? then(scope) : otherwise(scope);
    };
  } else if ((expression.type === T.Or || expression.type === T.And) && expression.children.length >= 2) {
    // Booleans only: the library's truth of other values (an empty string is true there) is its own.
    const operands = expression.children.map(compile);
    const or = expression.type === T.Or;
    evaluate = (scope) => {
      for (const operand of operands) {
        const value = operand(scope);
        if (typeof value !== 'boolean') return giveUp();
        if (value === or) return or;
      }
      return !or;
    };
  } else if (expression.type === T.Not && expression.children.length === 1) {
    const operand = compile(expression.children[0]);
    evaluate = (scope) => {
      const value = operand(scope);
      return typeof value === 'boolean' ? !value : giveUp();
    };
  } else if (expression.type === T.Concat) {
    const parts = expression.children.map(compile);
    evaluate = (scope) => {
      let text = '';
      for (const part of parts) {
        const value = part(scope);
        if (typeof value === 'string') text += value;
        else if (typeof value === 'number' || typeof value === 'boolean') text += String(value);
        else return giveUp();
      }
      return text;
    };
  } else return unsupported();
  compiled.set(expression, evaluate);
  return evaluate;
}

function expandObject(node: Record<string, unknown>, scope: Scope): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(node)) {
    if (RESERVED.has(key)) continue;
    const value = expand(node[key], scope);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function expand(node: unknown, scope: Scope): unknown {
  if (Array.isArray(node)) {
    let items: unknown[] = [];
    for (const item of node) {
      const expanded = expand(item, scope);
      if (expanded === null) continue;
      if (Array.isArray(expanded)) items = items.concat(expanded);
      else items.push(expanded);
    }
    return items;
  }
  if (isExpression(node)) {
    // Interpolated strings and single expressions alike: the value as evaluated (a single path keeps its type).
    return compile(node)(scope);
  }
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Record<string, unknown>;
  const when = object.$when;
  let contexts: unknown[] = [undefined];
  if (object.$data !== undefined) {
    if (!isExpression(object.$data) || object.$data.type === T.Concat) {
      return unsupported();
    }
    const bound = compile(object.$data as Expression)(scope);
    contexts = Array.isArray(bound) ? bound : [bound];
  }
  const results: Record<string, unknown>[] = [];
  for (const context of contexts) {
    const inner = context === undefined ? scope : { root: scope.root, data: context };
    if (when !== undefined) {
      if (!isExpression(when)) {
        if (when) continue;
      } else {
        if (when.type === T.Concat) return unsupported();
        if (compile(when)(inner) !== true) continue;
      }
    }
    results.push(expandObject(object, inner));
  }
  return results.length === 0 ? null : results.length === 1 ? results[0] : results;
}

/** The template expanded with `data` as $root, or NOT_HANDLED when the library must do it. */
export function fastExpand(template: Template, data: object): unknown {
  // The library's parsed payload: a private field of the pinned version; without it, the library expands.
  const prepared = (template as unknown as { _preparedPayload?: unknown })._preparedPayload;
  if (prepared === undefined || leftToTheLibrary.has(template)) return NOT_HANDLED;
  try {
    return expand(prepared, { root: data, data });
  } catch (error) {
    if (error instanceof Unsupported) leftToTheLibrary.add(template);
    if (error instanceof NotHandled) return NOT_HANDLED;
    throw error;
  }
}
