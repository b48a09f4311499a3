/**
 * A text-level reader of our Bicep files, for tests: no Bicep compiler can be installed from the registries this
 * project uses, so the tests read params, outputs, module calls and app settings from the text and check them
 * against Teams Toolkit's files and src/config.ts. It understands the subset of Bicep that infra/ is written in.
 */

export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
}

export interface BicepModuleCall {
  symbol: string;
  path: string;
  params: string[];
}

/**
 * The text with comments and string contents blanked (same length, newlines kept), so that brackets and keys can
 * be counted safely and offsets still point into the original.
 */
export function withoutCommentsAndStrings(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let j = from; j < to; j++) if (out[j] !== '\n') out[j] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated block comment');
      blank(i, end + 2);
      i = end + 2;
    } else if (text[i] === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== "'") {
        if (text[j] === '\n') throw new Error(`unterminated string: ${text.slice(i, j)}`);
        j += text[j] === '\\' ? 2 : 1;
      }
      if (j >= text.length) throw new Error('unterminated string');
      blank(i + 1, j);
      i = j + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** Brackets that do not pair up, as messages (empty when the file is balanced). */
export function unbalancedBrackets(text: string): string[] {
  const code = withoutCommentsAndStrings(text);
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  const problems: string[] = [];
  for (const c of code) {
    if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) problems.push(`unexpected ${c}`);
  }
  if (stack.length) problems.push(`unclosed ${stack.join('')}`);
  return problems;
}

export function params(text: string): BicepParam[] {
  return [...text.matchAll(/^param\s+(\w+)\s+(\w+)(\s*=)?/gm)].map((m) => ({
    name: m[1],
    type: m[2],
    hasDefault: m[3] !== undefined,
  }));
}

export function outputs(text: string): string[] {
  return [...text.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]);
}

/** The `{ … }` block that opens at `open` (index of the brace). */
function block(text: string, open: number): string {
  const code = withoutCommentsAndStrings(text.slice(open));
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '{' || code[i] === '[') depth++;
    if (code[i] === '}' || code[i] === ']') depth--;
    if (depth === 0) return code.slice(0, i + 1);
  }
  throw new Error('unclosed block');
}

/** Keys at the first level of a `{ … }` block whose strings were blanked. */
function topLevelKeys(body: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (const line of body.split('\n')) {
    const m = /^\s*(\w+)\s*:/.exec(line);
    if (m && depth === 1) keys.push(m[1]);
    for (const c of line) {
      if (c === '{' || c === '[') depth++;
      if (c === '}' || c === ']') depth--;
    }
  }
  return keys;
}

export function moduleCalls(text: string): BicepModuleCall[] {
  return [...text.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=\s*\{/gm)].map((m) => {
    const body = block(text, (m.index ?? 0) + m[0].length - 1);
    const paramsAt = /\n\s*params:\s*\{/.exec(body);
    const paramKeys = paramsAt ? topLevelKeys(block(body, paramsAt.index + paramsAt[0].length - 1)) : [];
    return { symbol: m[1], path: m[2], params: paramKeys };
  });
}

/** `name`/`value` pairs of the `appSettings: [ … ]` array; values are the Bicep expressions as written. */
export function appSettings(text: string): { name: string; value: string }[] {
  const at = /appSettings:\s*\[/.exec(text);
  if (!at) return [];
  const start = at.index + at[0].length - 1;
  const length = block(text, start).length;
  const raw = text.slice(start, start + length);
  return [...raw.matchAll(/name:\s*'([^']+)'\s*\n\s*value:\s*([^\n]+)/g)].map((m) => ({
    name: m[1],
    value: m[2].trim(),
  }));
}

/** Resource declarations: symbol and type@apiVersion. */
export function resources(text: string): { symbol: string; type: string }[] {
  return [...text.matchAll(/^resource\s+(\w+)\s+'([^']+)'/gm)].map((m) => ({ symbol: m[1], type: m[2] }));
}
