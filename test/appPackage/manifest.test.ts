import AdmZip from 'adm-zip';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { fillPlaceholders, packageApp } from '../../scripts/packageApp';

const root = path.resolve(__dirname, '..', '..');
const manifestText = fs.readFileSync(path.join(root, 'appPackage', 'manifest.json'), 'utf8');
const sample = {
  TEAMS_APP_ID: '11111111-2222-3333-4444-555555555555',
  BOT_ID: '66666666-7777-8888-9999-000000000000',
  BOT_DOMAIN: 'connection-ops.example.net',
  APP_NAME_SUFFIX: '',
};

function schemaFor(manifest: { manifestVersion: string }) {
  const file = require.resolve(
    `@microsoft/app-manifest/build/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
  );
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('Teams app manifest', () => {
  const manifest = JSON.parse(fillPlaceholders(manifestText, sample));

  it('is valid against the Teams schema of its manifestVersion (offline copy)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schemaFor(manifest));
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('offers the bot in personal, team and group chat with a command list', () => {
    const bot = manifest.bots[0];
    expect(bot.scopes).toEqual(expect.arrayContaining(['personal', 'team', 'groupChat']));
    const titles = bot.commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(expect.arrayContaining(['help', 'show my connections', 'health report']));
  });

  it('has a 192×192 color icon and a 32×32 outline icon that is white on transparent', () => {
    const color = PNG.sync.read(fs.readFileSync(path.join(root, 'appPackage', 'color.png')));
    const outline = PNG.sync.read(fs.readFileSync(path.join(root, 'appPackage', 'outline.png')));
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = outline.data.subarray(i, i + 4);
      if (a > 0) expect([r, g, b]).toEqual([255, 255, 255]);
    }
    expect(outline.data.some((v, i) => i % 4 === 3 && v === 0)).toBe(true);
  });

  it('refuses to package with a placeholder left unset, naming it', () => {
    expect(() => fillPlaceholders(manifestText, { TEAMS_APP_ID: 'x' })).toThrow(/BOT_ID/);
  });

  it('packages manifest and icons into a zip per environment', () => {
    const out = packageApp('playground', root);
    const names = new AdmZip(out)
      .getEntries()
      .map((e) => e.entryName)
      .sort();
    expect(names).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packaged = JSON.parse(new AdmZip(out).readAsText('manifest.json'));
    expect(packaged.id).toBe('00000000-0000-0000-0000-00000000a001');
  });
});
