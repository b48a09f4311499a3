/** The few parts of NLP.js (which ships no type declarations) that the intent classifier uses. */
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void;
  }
  export function containerBootstrap(): Promise<Container>;
}

declare module '@nlpjs/nlp' {
  import type { Container } from '@nlpjs/core';
  export interface NlpClassification {
    intent: string;
    score: number;
  }
  export interface NlpResult {
    intent: string;
    score: number;
    classifications: NlpClassification[];
  }
  export class Nlp {
    constructor(settings: Record<string, unknown>);
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    export(minified?: boolean): string;
    import(data: string): void;
  }
  export type { Container };
}

declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
}
