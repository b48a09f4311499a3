/**
 * The intent classifier: NLP.js (a neural classifier over stemmed words, made for bots) trained on the example
 * requests in corpus/intents.json. Names of the tenant are replaced by their kind before classifying ("why
 * won't xflowx start"), in training and at run time, so the classifier learns sentence shapes, not names, and a
 * tenant's ten thousand flow names cost it nothing. Trained once per process (a fraction of a second) and shared.
 */
import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { Nlp } from '@nlpjs/nlp';
import corpus from './corpus/intents.json';
import type { EntityType } from './nameIndex';

export type ClassifiedIntent =
  | 'help'
  | 'greeting'
  | 'question'
  | 'showMyConnections'
  | 'diagnoseFlow'
  | 'solutionReferences'
  | 'expiringSecrets'
  | 'healthReport'
  | 'requestRotation'
  | 'requestShare'
  | 'audit'
  | 'subscribe'
  | 'unsubscribe'
  | 'scanNow'
  | 'impact'
  | 'handover'
  | 'repointReferences';

export interface Classification {
  intent: ClassifiedIntent | 'None';
  score: number;
}

/** The word a name of each kind becomes before classification (one token the stemmer leaves alone). */
export const PLACEHOLDER: Record<EntityType | 'number', string> = {
  flow: 'xflowx',
  solution: 'xsolutionx',
  app: 'xappx',
  user: 'xuserx',
  connection: 'xconnectionx',
  environment: 'xenvironmentx',
  number: 'xnumx',
};

const CORPUS_SLOTS: Record<string, string> = {
  flow: PLACEHOLDER.flow,
  solution: PLACEHOLDER.solution,
  app: PLACEHOLDER.app,
  user: PLACEHOLDER.user,
  to: PLACEHOLDER.user,
  connection: PLACEHOLDER.connection,
  environment: PLACEHOLDER.environment,
  n: PLACEHOLDER.number,
};

interface CorpusFile {
  data: { intent: string; utterances: string[] }[];
}

/** "{flow} is failing" → "xflowx is failing". */
export function fillSlots(utterance: string): string {
  return utterance.replace(/\{(\w+)\}/g, (whole, slot: string) => CORPUS_SLOTS[slot] ?? whole);
}

export class IntentClassifier {
  private constructor(private readonly nlp: Nlp) {}

  static async train(data: CorpusFile = corpus as CorpusFile): Promise<IntentClassifier> {
    const container = await containerBootstrap();
    container.use(LangEn);
    // log: false — NLP.js prints every training epoch to the console by default.
    const nlp = new Nlp({
      container,
      languages: ['en'],
      autoSave: false,
      autoLoad: false,
      // spellCheck: a word one letter away from a trained word counts as it ("conections", "secrts").
      nlu: { log: false, spellCheck: true, spellCheckDistance: 1 },
    });
    nlp.addLanguage('en');
    for (const { intent, utterances } of data.data) {
      for (const utterance of utterances) nlp.addDocument('en', fillSlots(utterance), intent);
    }
    await nlp.train();
    return new IntentClassifier(nlp);
  }

  /** Best first; `None` when no trained word occurs in the text. */
  async classify(text: string): Promise<Classification[]> {
    const result = await this.nlp.process('en', text);
    const ranked = (result.classifications ?? [])
      .map((c) => ({ intent: c.intent as Classification['intent'], score: c.score }))
      .sort((a, b) => b.score - a.score);
    if (result.intent === 'None' || !ranked.length || ranked[0].score === 0) return [{ intent: 'None', score: 1 }];
    return ranked;
  }
}

let shared: Promise<IntentClassifier> | undefined;

/** The process's one classifier, trained on first use; start it early (warmUp) so no turn waits for it. */
export function sharedClassifier(): Promise<IntentClassifier> {
  shared ??= IntentClassifier.train();
  return shared;
}
