/**
 * The health report's "Why it matters" buttons ask the knowledge answerer a fixed question per article. As the
 * knowledge base grows, a new article must not take those questions over: each is answered from its own article.
 */
import { ARTICLE_QUESTIONS } from '../../src/connections/findings/articles';
import { createAnswerer, loadKnowledgeBase } from '../../src/knowledge';

const answerer = createAnswerer(loadKnowledgeBase());

test.each(Object.entries(ARTICLE_QUESTIONS))('the "why it matters" question of %s is answered from it', (articleId, question) => {
  expect(answerer.answer(question)).toMatchObject({ confident: true, articleId });
});
