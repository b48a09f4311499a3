/**
 * The article on leavers says which connections stop with the person: those that sign in as them. A service
 * principal connection they created signs in as the app and keeps working (as the bot's own disabled-owner rule
 * says), and a stored-credentials connection is not claimed either way.
 */
import { createAnswerer, loadKnowledgeBase } from '../../src/knowledge';

const answerer = createAnswerer(loadKnowledgeBase());

test('when a connection owner leaves: only the connections that sign in as them fail', () => {
  const answer = answerer.answer('What happens to the connections of someone who leaves the company?');
  expect(answer).toMatchObject({ articleId: 'connection-ownership-and-leavers' });
  expect(answer.passage).toMatch(/sign in as them/);
  expect(answer.passage).toMatch(/service principal\*\* connection they created signs in as the app, not as them, and keeps working/);
  expect(answer.passage).toMatch(/not confirmed/);
  expect(answer.passage).not.toMatch(/flows using their connections fail/);
});
