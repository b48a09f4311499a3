/**
 * Knowledge articles (knowledge/<id>.md) that explain why a finding matters; cards link to them. One place, so a
 * renamed article is fixed once.
 */
export const ARTICLES = {
  applicationUsers: 'application-users-and-roles',
  servicePrincipalConnections: 'service-principal-connections',
  secretRotation: 'client-secret-rotation',
  connectionOwnership: 'connection-ownership-and-leavers',
  connectionErrors: 'fixing-broken-connections',
  connectionReferences: 'connection-references',
  sharingConnections: 'sharing-connections',
} as const;

/** The question a "Why it matters" button asks the knowledge answerer for each article. */
export const ARTICLE_QUESTIONS: Record<string, string> = {
  [ARTICLES.applicationUsers]: 'Why should an application user not have System Administrator?',
  [ARTICLES.servicePrincipalConnections]: 'How do service principal connections work?',
  [ARTICLES.secretRotation]: 'How do I rotate a client secret without downtime?',
  [ARTICLES.connectionOwnership]: 'What happens to connections when their owner leaves?',
  [ARTICLES.connectionErrors]: 'How do I fix a connection in Error?',
  [ARTICLES.connectionReferences]: 'What are connection references and how should I name them?',
  [ARTICLES.sharingConnections]: 'How do I share a connection?',
};
