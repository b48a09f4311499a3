/**
 * The one place Adaptive Cards are produced: a template from cards/ expanded with data, with the semantics of
 * adaptivecards-templating. Handlers pass plain data; no card JSON is built by hand anywhere else.
 *
 * Each template is read once. The simple ones are compiled into plain functions (./compiledTemplate: same cards,
 * a fraction of the work per turn); the others are expanded by the library itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { compileTemplate } from './compiledTemplate';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

const CARDS_DIR = path.resolve(__dirname, '..', '..', '..', 'cards');
const SOURCE_CARDS_DIR = path.resolve(__dirname, '..', '..', 'cards');
const cache = new Map<string, ACData.Template>();
const expanders = new Map<string, (data: object) => unknown>();

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

function expanderFor(name: string): (data: object) => unknown {
  let expand = expanders.get(name);
  if (!expand) {
    const file = path.join(cardsDir(), `${name}.json`);
    const library = loadTemplate(name);
    expand =
      compileTemplate(JSON.parse(fs.readFileSync(file, 'utf8'))) ?? ((data: object) => library.expand({ $root: data }));
    expanders.set(name, expand);
  }
  return expand;
}

/** Expands `cards/<name>.json` with `data`. Data is the only input: strings in it are never parsed as JSON. */
export function renderCard(name: string, data: object): AdaptiveCard {
  return expanderFor(name)(data) as AdaptiveCard;
}

export function listTemplates(): string[] {
  return fs
    .readdirSync(cardsDir())
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
}
