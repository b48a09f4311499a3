/**
 * What a disabled (departed) owner means for a connection depends on how the connection signs in. A person's sign-in
 * (OAuth) signs in as them: once their account is disabled its token cannot be renewed, so it fails. A service
 * principal's signs in as the app. A connection that holds its own credentials (a SQL Server login, an API key, basic
 * authentication) does not sign in as its creator, yet Microsoft's troubleshooting guide for broken connections says a
 * connection whose creator's account is deleted or disabled becomes invalid for everyone it is shared with, and that
 * another user with access can sign it in again, which makes them its owner: the note says that.
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
    "but Microsoft's troubleshooting guide says a connection whose creator's account is disabled or deleted becomes " +
    'invalid for everyone it is shared with. Another user with access to it can sign it in again, which makes them ' +
    `its owner; ${ownerName} can no longer fix, share or delete it.`
  );
}
