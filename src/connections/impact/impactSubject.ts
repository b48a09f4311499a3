/**
 * Who or what "X" is in "what depends on X": a person, an app registration (its service principal signs in the
 * connections) or a connection. The planner passes the tenant's own name and, when its name index knew it, the
 * object id, so a person or an app costs one directory read; a name alone is matched against the directory.
 */
import { bestMatches, matchScore } from '../../understanding/nameResolution';
import type { AppRegistration, User } from '../../tenant/model';
import { isTenantApiError } from '../../tenant/errors';
import type { TenantReader } from '../tenantReader';

export type SubjectType = 'user' | 'app' | 'connection';

export interface ImpactQuery {
  /** The name as the tenant spells it (or as typed). */
  subject?: string;
  subjectType?: SubjectType;
  /** Entra object id of the person or of the app registration, or a connection's name (its id), when known. */
  subjectId?: string;
}

export type ImpactSubject =
  | { kind: 'person'; user: User }
  | { kind: 'app'; app: AppRegistration }
  /**
   * Connections are found in the rows being read (index or live): the one with this `name` (its id) when the
   * planner settled on one, else by display name or connector.
   */
  | { kind: 'connection'; query: string; name?: string };

export type SubjectLookup = { found: ImpactSubject } | { notFound: string };

/**
 * `fromIndex`: the person as the tenant index knows them (by id, or by a name only one person has), so that a
 * person costs no read at all when the index is fresh; without it, one read by id, or a listing by name.
 */
export async function resolveSubject(
  reader: TenantReader,
  query: ImpactQuery,
  fromIndex: (person: { id?: string; name: string }) => User | undefined = () => undefined,
): Promise<SubjectLookup> {
  const text = query.subject?.trim() ?? '';
  if (query.subjectType === 'connection') {
    return { found: { kind: 'connection', query: text || (query.subjectId ?? ''), name: query.subjectId } };
  }
  if (query.subjectType === 'user' || (!query.subjectType && text)) {
    const user =
      fromIndex({ id: query.subjectId, name: text }) ??
      (query.subjectId ? await reader.user(query.subjectId) : await userByName(reader, text));
    if (user) return { found: { kind: 'person', user } };
    if (query.subjectType === 'user') return { notFound: `I found no person called "${text}" in the directory.` };
  }
  if (query.subjectType === 'app' || (!query.subjectType && text)) {
    const app = query.subjectId ? await appById(reader, query.subjectId) : await appByName(reader, text);
    if (app) return { found: { kind: 'app', app } };
    if (query.subjectType === 'app') return { notFound: `I found no app registration called "${text}".` };
  }
  if (text) return { found: { kind: 'connection', query: text } };
  return {
    notFound:
      'What depends on whom? Name a person, an app registration or a connection, e.g. "what depends on Lee Gu?".',
  };
}

async function userByName(reader: TenantReader, text: string): Promise<User | undefined> {
  if (!text) return undefined;
  if (text.includes('@')) return reader.user(text);
  const matches = bestMatches((await reader.users()) ?? [], (u) =>
    matchScore(text, u.displayName, u.userPrincipalName),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

async function appById(reader: TenantReader, objectId: string): Promise<AppRegistration | undefined> {
  return reader.read(`app:${objectId}`, 'the app registration', async () => {
    try {
      return await reader.tenant.directory.getApplication(objectId);
    } catch (error) {
      if (isTenantApiError(error) && error.kind === 'notFound') return undefined;
      throw error;
    }
  });
}

async function appByName(reader: TenantReader, text: string): Promise<AppRegistration | undefined> {
  if (!text) return undefined;
  const matches = bestMatches((await reader.applications()) ?? [], (a) => matchScore(text, a.displayName, a.appId));
  return matches.length === 1 ? matches[0] : undefined;
}
