/**
 * What a disabled (departed) owner means for a connection depends on how the connection signs in. A person's sign-in
 * (OAuth) signs in as them: once their account is disabled its token cannot be renewed, so it fails. A service
 * principal's signs in as the app and is not affected. A connection that holds its own credentials (a SQL Server
 * login, an API key, basic authentication) does not sign in as its creator at all: no source says it stops when the
 * creator's account is disabled, nor that it keeps working, so the bot says what is certain (the creator can no
 * longer fix, share or delete it) and marks the rest as not confirmed.
 */
import type { Connection } from '../tenant/model';

/** True when the connection signs in as the person who created it (a person's OAuth sign-in). */
export function signsInAsCreator(connection: Pick<Connection, 'authType'>): boolean {
  return connection.authType === 'user';
}

/** For a connection with its own stored credentials whose creator is disabled: what is and is not known. */
export function storedCredentialsLeaverNote(ownerName: string): string {
  return (
    `It signs in with the credentials stored in it (such as a SQL Server login or an API key), not as ${ownerName}, ` +
    `so ${ownerName}'s leaving may not stop it by itself (not confirmed), but ${ownerName} can no longer fix, share ` +
    'or delete it.'
  );
}
