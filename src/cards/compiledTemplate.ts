/**
 * Compiles an Adaptive Card template into plain functions once, so that rendering a card walks a ready-made tree
 * instead of running adaptivecards-templating's general expression engine on every turn. It produces exactly what
 * Template.expand produces (test/cards/compiledTemplate.test.ts checks it against the library on random data).
 *
 * Only the expressions the simple cards use are compiled: property paths (`${title}`, `${action.url}`, `${$data}`),
 * strings mixing text and paths (`[${title}](${url})`), and `$when` on a path or on `path == 'text'` /
 * `path != 'text'`. A template with anything else (`count()`, `if()`, `>`, `||`…) is not compiled: compileTemplate
 * returns undefined and the caller keeps the library for it.
 *
 * The library's rules are kept on purpose, odd ones included: property names match case-insensitively (first key
 * wins), a missing value in a string becomes the literal `${path}`, `$when` only keeps an element for boolean true,
 * arrays returned inside arrays are flattened, and an element bound to an empty array disappears.
 */
import * as ACData from 'adaptivecards-templating';

/** What an adaptive-expressions node looks like from here (the package is the templating library's own). */
interface ExpressionNode {
  type: string;
  children: ExpressionNode[];
  value?: unknown;
}

/** The evaluation context: $root (the data), and the current $data and $index of $data-bound elements. */
interface Scope {
  root: unknown;
  data: unknown;
  index: number | undefined;
}

type Compiled = (scope: Scope) => unknown;

const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

/** Thrown while compiling when the template uses something this compiler does not do. */
class NotCompilable extends Error {}

/** adaptive-expressions' property access: the first own key equal ignoring case; nothing on a falsy value. */
function property(instance: unknown, name: string, lower: string): unknown {
  if (!instance) return undefined;
  if (instance instanceof Map) {
    const exact: unknown = instance.get(name);
    if (exact !== undefined) return exact;
    const key = [...instance.keys()].find((k) => (k as string).toLowerCase() === lower);
    return key === undefined ? undefined : instance.get(key);
  }
  const object = instance as Record<string, unknown>;
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

/** A path as `a.b.c`, or NotCompilable for element access (`a[0]`) and other shapes. */
function pathOf(node: ExpressionNode): string[] {
  const parts: string[] = [];
  let current: ExpressionNode | undefined = node;
  while (current) {
    if (current.type !== 'Accessor') throw new NotCompilable(current.type);
    const name = current.children[0];
    if (name?.type !== 'Constant' || typeof name.value !== 'string') throw new NotCompilable('accessor name');
    parts.unshift(name.value);
    current = current.children[1];
  }
  // Numeric parts index arrays in the library; the cards never use them.
  if (parts.some((p) => !Number.isNaN(parseInt(p, 10)) || /[.[\]'"]/.test(p))) throw new NotCompilable('path');
  return parts;
}

/** A path's value, undefined when missing (the templating memory: `$data`/`$root`/`$index`, else under $data). */
function compilePath(node: ExpressionNode): { text: string; get: (scope: Scope) => unknown } {
  const parts = pathOf(node);
  const text = parts.join('.');
  const [head, ...rest] = parts;
  let start: (scope: Scope) => unknown;
  let tail = rest;
  if (head === '$data') start = (s) => s.data;
  else if (head === '$root') start = (s) => s.root;
  else if (head === '$index') start = (s) => s.index;
  else if (head.startsWith('$')) throw new NotCompilable(head);
  else {
    start = (s) => s.data;
    tail = parts;
  }
  const steps = tail.map((name) => ({ name, lower: name.toLowerCase() }));
  return {
    text,
    get: (scope) => {
      let value = start(scope);
      for (const step of steps) value = property(value, step.name, step.lower);
      return value;
    },
  };
}

/** An expression in a value position: a path's value (or `${path}` when missing), or a string mixing both. */
function compileValue(expression: ExpressionNode): Compiled {
  if (expression.type === 'concat') {
    const pieces = expression.children.map((child): Compiled => {
      if (child.type === 'Constant') {
        const text = String(child.value);
        return () => text;
      }
      return compileValue(child);
    });
    return (scope) => {
      let result = '';
      // The library calls toString() on each piece: a null value throws there too.
      for (const piece of pieces) result += (piece(scope) as { toString(): string }).toString();
      return result;
    };
  }
  const path = compilePath(expression);
  const missing = '${' + path.text + '}';
  return (scope) => {
    const value = path.get(scope);
    return value === undefined ? missing : value;
  };
}

/** `$when`: true only for a boolean true; a comparison of a path with a text compares strictly, as the library. */
function compileCondition(expression: ExpressionNode): (scope: Scope) => boolean {
  if (expression.type === '==' || expression.type === '!=') {
    const [left, right] = expression.children;
    const constant = [left, right].find((c) => c.type === 'Constant' && typeof c.value === 'string');
    const other = constant === left ? right : left;
    if (!constant || other.type === 'Constant') throw new NotCompilable('comparison');
    const text = constant.value as string;
    const path = compilePath(other);
    return expression.type === '==' ? (s) => path.get(s) === text : (s) => path.get(s) !== text;
  }
  const path = compilePath(expression);
  return (scope) => path.get(scope) === true;
}

const isExpression = (value: unknown): value is ExpressionNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'type' in value && 'children' in value;

/** A template node as the library prepares it: strings with `${` become expressions. */
function prepared(node: unknown): unknown {
  return typeof node === 'string' ? ACData.Template.parseInterpolatedString(node) : node;
}

function compileNode(raw: unknown): Compiled {
  const node = prepared(raw);
  if (isExpression(node)) return compileValue(node);
  if (Array.isArray(node)) return compileArray(node);
  if (typeof node === 'object' && node !== null) return compileObject(node as Record<string, unknown>);
  return () => node;
}

function compileArray(items: unknown[]): Compiled {
  const compiled = items.map(compileNode);
  return (scope) => {
    const out: unknown[] = [];
    for (const item of compiled) {
      const value = item(scope);
      if (value === null) continue;
      if (Array.isArray(value)) out.push(...(value as unknown[]));
      else out.push(value);
    }
    return out;
  };
}

function compileObject(node: Record<string, unknown>): Compiled {
  const fields = Object.keys(node)
    .filter((key) => !RESERVED.has(key))
    .map((key) => ({ key, value: compileNode(node[key]) }));
  const expandFields = (scope: Scope): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const value = field.value(scope);
      if (value !== undefined) out[field.key] = value;
    }
    return out;
  };

  const rawWhen = node.$when;
  const when = rawWhen === undefined ? undefined : prepared(rawWhen);
  // A $when that is not an expression drops the element whenever it is truthy.
  if (when !== undefined && !isExpression(when) && when) return () => null;
  const condition = isExpression(when) ? compileCondition(when) : undefined;

  const rawData = node.$data;
  if (rawData === undefined) {
    if (!condition) return expandFields;
    return (scope) => (condition(scope) ? expandFields(scope) : null);
  }
  const data = prepared(rawData);
  if (!isExpression(data)) throw new NotCompilable('literal $data');
  const source = compileValue(data);
  return (scope) => {
    const value = source(scope);
    const contexts = Array.isArray(value) ? (value as unknown[]) : [value];
    const inner = { ...scope };
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < contexts.length; i++) {
      if (Array.isArray(value)) inner.index = i;
      // An undefined item keeps the previous item's $data, as in the library.
      if (contexts[i] !== undefined) inner.data = contexts[i];
      if (!condition || condition(inner)) out.push(expandFields(inner));
    }
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  };
}

/** The template as a function of its data, or undefined when it uses expressions this compiler leaves alone. */
export function compileTemplate(payload: unknown): ((data: object) => unknown) | undefined {
  let compiled: Compiled;
  try {
    compiled = compileNode(payload);
  } catch (error) {
    if (error instanceof NotCompilable) return undefined;
    throw error;
  }
  return (data) => compiled({ root: data, data: data, index: undefined });
}
