/** Graph wire shapes (users, groups, applications and their credentials) mapped onto the tenant model. */
import type {
  AppRegistration,
  Group,
  KeyCredential,
  NewPasswordCredential,
  PasswordCredential,
  User,
} from '../tenant/model';

export interface WireUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
}

export interface WireGroup {
  id: string;
  displayName?: string | null;
}

export interface WirePasswordCredential {
  keyId: string;
  displayName?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  hint?: string | null;
  secretText?: string | null;
}

export interface WireKeyCredential {
  keyId: string;
  displayName?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  type?: string | null;
  usage?: string | null;
}

export interface WireApplication {
  id: string;
  appId: string;
  displayName?: string | null;
  passwordCredentials?: WirePasswordCredential[] | null;
  keyCredentials?: WireKeyCredential[] | null;
}

export const USER_SELECT = 'id,displayName,userPrincipalName,accountEnabled,userType';
export const APPLICATION_SELECT = 'id,appId,displayName,passwordCredentials,keyCredentials';

export function mapUser(wire: WireUser): User {
  return {
    id: wire.id,
    displayName: wire.displayName ?? wire.userPrincipalName ?? wire.id,
    userPrincipalName: wire.userPrincipalName ?? '',
    // Graph omits accountEnabled when not selected; absent means we were not told it is disabled.
    accountEnabled: wire.accountEnabled !== false,
    userType: wire.userType === 'Guest' ? 'Guest' : 'Member',
  };
}

export function mapGroup(wire: WireGroup): Group {
  return { id: wire.id, displayName: wire.displayName ?? wire.id };
}

export function mapPasswordCredential(wire: WirePasswordCredential): PasswordCredential {
  return {
    keyId: wire.keyId,
    displayName: wire.displayName ?? undefined,
    startDateTime: wire.startDateTime ?? undefined,
    endDateTime: wire.endDateTime ?? undefined,
    hint: wire.hint ?? undefined,
  };
}

export function mapKeyCredential(wire: WireKeyCredential): KeyCredential {
  return {
    keyId: wire.keyId,
    displayName: wire.displayName ?? undefined,
    startDateTime: wire.startDateTime ?? undefined,
    endDateTime: wire.endDateTime ?? undefined,
    type: wire.type ?? undefined,
    usage: wire.usage ?? undefined,
  };
}

export function mapApplication(wire: WireApplication): AppRegistration {
  return {
    id: wire.id,
    appId: wire.appId,
    displayName: wire.displayName ?? wire.appId,
    passwordCredentials: (wire.passwordCredentials ?? []).map(mapPasswordCredential),
    keyCredentials: (wire.keyCredentials ?? []).map(mapKeyCredential),
  };
}

/** addPassword's answer; throws when the service did not return the secret (nothing usable was created for us). */
export function mapNewPasswordCredential(
  wire: WirePasswordCredential,
  requested: { endDateTime: string },
): NewPasswordCredential {
  if (!wire.secretText) throw new Error('addPassword answered without secretText');
  return {
    ...mapPasswordCredential(wire),
    secretText: wire.secretText,
    endDateTime: wire.endDateTime ?? requested.endDateTime,
  };
}
