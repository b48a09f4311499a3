/**
 * The one place Adaptive Cards are produced: a template from cards/ expanded with data through
 * adaptivecards-templating. Handlers pass plain data; no card JSON is built by hand anywhere else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ACData from 'adaptivecards-templating';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

const CARDS_DIR = path.resolve(__dirname, '..', '..', '..', 'cards');
const SOURCE_CARDS_DIR = path.resolve(__dirname, '..', '..', 'cards');
const cache = new Map<string, ACData.Template>();

function cardsDir(): string {
  // Running from src/ (tsx, jest) or from dist/src (npm start).
  return fs.existsSync(SOURCE_CARDS_DIR) ? SOURCE_CARDS_DIR : CARDS_DIR;
}

export function loadTemplate(name: string): ACData.Template {
  let template = cache.get(name);
  if (!template) {
    const file = path.join(cardsDir(), `${name}.json`);
    template = new ACData.Template(JSON.parse(fs.readFileSync(file, 'utf8')));
    cache.set(name, template);
  }
  return template;
}

/** Expands `cards/<name>.json` with `data`. Data is the only input: strings in it are never parsed as JSON. */
export function renderCard(name: string, data: object): AdaptiveCard {
  return loadTemplate(name).expand({ $root: data }) as AdaptiveCard;
}

export function listTemplates(): string[] {
  return fs
    .readdirSync(cardsDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
}
