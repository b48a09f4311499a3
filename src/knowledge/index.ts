/** The knowledge answerer's public surface: load the articles once, answer questions, shape card data. */
export { loadKnowledgeBase, defaultKnowledgeDir, KnowledgeBaseError } from './knowledgeBase';
export type { Article, KnowledgeBase, Passage, Source, SuggestedAction } from './knowledgeBase';
export { parseSourcesLine } from './knowledgeBase';
export { createAnswerer } from './answerer';
export type { Answerer, AnswererOptions, KnowledgeAnswer } from './answerer';
export { answerCardData } from './answerCardData';
