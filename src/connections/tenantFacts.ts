/**
 * Small facts derived from plain tenant data that several views and rules agree on: which environment counts as
 * production, which account is a person rather than a technical account, how many days are left, and the key a
 * connection is known by inside one environment.
 */
import type { Connection, Environment, Principal, User } from '../tenant/model';

const DAY_MS = 86_400_000;

/** Environments carry no type in the APIs we read, so production is recognised by name ("Contoso PROD"). */
export function isProductionEnvironment(environment: Pick<Environment, 'displayName'> | undefined): boolean {
  return environment !== undefined && /\b(prod|production|prd)\b/i.test(environment.displayName);
}

/** Technical (non-personal) accounts by naming convention: techuser, svc-, service, integration, automation… */
export function isTechnicalAccount(account: { displayName?: string; userPrincipalName?: string }): boolean {
  const text = `${account.displayName ?? ''} ${account.userPrincipalName ?? ''}`;
  return /(tech[\s_-]?user|\bsvc|service[\s_-]?account|^sa[_-]|integration|automation|no-?reply|serviceaccount)/i.test(
    text,
  );
}

/** A connection that signs in as a person (not an app, not a technical account). */
export function isPersonalConnection(connection: Connection, owner?: User | Principal): boolean {
  if (connection.authType !== 'user') return false;
  if (connection.createdBy.type !== 'User') return false;
  const account = owner ?? connection.createdBy;
  return !isTechnicalAccount({
    displayName: account.displayName,
    userPrincipalName: account.userPrincipalName ?? connection.accountName,
  });
}

/** Whole days from `now` to `date`, rounded: negative when it is in the past. */
export function daysUntil(date: string | Date, now: Date): number {
  return Math.round((new Date(date).getTime() - now.getTime()) / DAY_MS);
}

export function connectionKey(environmentId: string, connectionName: string): string {
  return `${environmentId}/${connectionName.toLowerCase()}`;
}

export function environmentName(environments: Environment[], environmentId: string): string {
  return environments.find((e) => e.id === environmentId)?.displayName ?? environmentId;
}

/** "shared_office365" → "Office 365"-ish label good enough for a card when no display name is at hand. */
export function connectorLabel(connector: string): string {
  const known: Record<string, string> = {
    shared_office365: 'Office 365 Outlook',
    shared_sharepointonline: 'SharePoint',
    shared_commondataserviceforapps: 'Microsoft Dataverse',
    shared_wordonlinebusiness: 'Word Online (Business)',
    shared_teams: 'Microsoft Teams',
    shared_onedriveforbusiness: 'OneDrive for Business',
    shared_office365users: 'Office 365 Users',
    shared_sql: 'SQL Server',
    shared_approvals: 'Approvals',
  };
  const id = connector.split('/').pop() ?? connector;
  return known[id.toLowerCase()] ?? id.replace(/^shared_/, '');
}

export type CredentialKind = 'secret' | 'certificate';

export interface AppCredential {
  keyId: string;
  kind: CredentialKind;
  displayName?: string;
  endDateTime?: string;
}

export function credentialsOf(app: {
  passwordCredentials: { keyId: string; displayName?: string; endDateTime?: string }[];
  keyCredentials: { keyId: string; displayName?: string; endDateTime?: string }[];
}): AppCredential[] {
  return [
    ...app.passwordCredentials.map((c) => ({ ...c, kind: 'secret' as const })),
    ...app.keyCredentials.map((c) => ({ ...c, kind: 'certificate' as const })),
  ];
}
