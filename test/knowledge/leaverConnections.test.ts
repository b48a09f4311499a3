/**
 * The article on leavers says which connections stop with the person: those that sign in as them. A service
 * principal connection they created signs in as the app (that it keeps working is marked not confirmed, since
 * Microsoft's troubleshooting guide says any connection of a disabled creator becomes invalid), and a
 * stored-credentials connection becomes invalid by that guide, until another user with access signs it in again.
 */
import { createAnswerer, loadKnowledgeBase } from '../../src/knowledge';

const answerer = createAnswerer(loadKnowledgeBase());

test('when a connection owner leaves: only the connections that sign in as them fail', () => {
  const answer = answerer.answer('What happens to the connections of someone who leaves the company?');
  expect(answer).toMatchObject({ articleId: 'connection-ownership-and-leavers' });
  expect(answer.passage).toMatch(/sign in as them/);
  expect(answer.passage).toMatch(/service principal\*\* connection they created signs in as the app, not as them, and keeps working \(not confirmed/);
  expect(answer.passage).toMatch(/becomes invalid for everyone it is shared with; another user with access to it can sign it in again/);
  expect(answer.passage).not.toMatch(/whether it keeps working after they leave is not confirmed/);
  expect(answer.sources.map((s) => s.url)).toContain(
    'https://learn.microsoft.com/en-us/troubleshoot/power-platform/power-automate/connections/troubleshoot-broken-connections',
  );
  expect(answer.passage).not.toMatch(/flows using their connections fail/);
});
