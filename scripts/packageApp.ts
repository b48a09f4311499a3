/**
 * `npm run package [-- --env dev]`: fills the manifest's ${{VAR}} placeholders from env/.env.<env> (and the
 * process environment), checks none is left, and zips manifest + icons into appPackage/build/appPackage.<env>.zip
 * — the same result as Teams Toolkit's teamsApp/zipAppPackage step.
 */
import AdmZip from 'adm-zip';
import { parse } from 'dotenv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

export function fillPlaceholders(text: string, values: Record<string, string | undefined>): string {
  const missing = new Set<string>();
  const filled = text.replace(/\$\{\{([A-Z0-9_]+)\}\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) missing.add(name);
    return value ?? '';
  });
  if (missing.size) throw new Error(`Set ${[...missing].join(', ')} in env/.env.<env> or the environment.`);
  return filled;
}

export function packageApp(env: string, root = path.resolve(__dirname, '..')): string {
  const envFile = path.join(root, 'env', `.env.${env}`);
  const fromFile = fs.existsSync(envFile) ? parse(fs.readFileSync(envFile)) : {};
  const values: Record<string, string | undefined> = { APP_NAME_SUFFIX: '', ...fromFile, ...process.env };
  const manifest = fillPlaceholders(fs.readFileSync(path.join(root, 'appPackage', 'manifest.json'), 'utf8'), values);
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(manifest));
  for (const icon of ['color.png', 'outline.png']) zip.addLocalFile(path.join(root, 'appPackage', icon));
  const out = path.join(root, 'appPackage', 'build', `appPackage.${env}.zip`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  zip.writeZip(out);
  return out;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { env: { type: 'string', default: 'dev' } } });
  try {
    process.stdout.write(`${packageApp(values.env as string)}\n`);
  } catch (error) {
    process.stderr.write(`package: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
