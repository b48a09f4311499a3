/**
 * scripts/runBuilt.js (what `npm run chat` runs): the built JavaScript is used only while no TypeScript source, nor
 * the build settings, changed after the last build; any newer source makes it build again.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isUpToDate } = require('../../scripts/runBuilt.js') as { isUpToDate: (root: string) => boolean };

let root: string;
const at = (file: string, ms: number) => fs.utimesSync(path.join(root, file), ms / 1000, ms / 1000);

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'run-built-'));
  fs.mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
  fs.mkdirSync(path.join(root, 'dist'));
  fs.writeFileSync(path.join(root, 'src', 'cli', 'chat.ts'), '');
  fs.writeFileSync(path.join(root, 'tsconfig.json'), '{}');
  at('src/cli/chat.ts', 1_000_000);
  at('tsconfig.json', 1_000_000);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('never built: builds', () => {
  expect(isUpToDate(root)).toBe(false);
});

test('built after the last change: runs the build', () => {
  fs.writeFileSync(path.join(root, 'dist', '.built-at'), String(2_000_000));
  expect(isUpToDate(root)).toBe(true);
});

test('a source changed after the build (even deep in src/): builds again', () => {
  fs.writeFileSync(path.join(root, 'dist', '.built-at'), String(2_000_000));
  at('src/cli/chat.ts', 3_000_000);
  expect(isUpToDate(root)).toBe(false);
});

test('the build settings changed after the build: builds again', () => {
  fs.writeFileSync(path.join(root, 'dist', '.built-at'), String(2_000_000));
  at('tsconfig.json', 3_000_000);
  expect(isUpToDate(root)).toBe(false);
});
