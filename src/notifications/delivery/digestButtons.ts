/**
 * Which buttons of a digest its recipient may use. [Rotate] is offered only to whom the rotation request accepts
 * (rotationRequestAllowed: the admins and the app's owners). Admins read the tenant digest; a maker's digest keeps
 * [Rotate] for the apps the maker owns and, for any other app, says who can instead of a button that would only be
 * refused. The owners come from the scan, which read them for every app with a credential in its window; an app it
 * did not read (a connection in Error whose app's secrets are long expired) is asked of Graph, one $batch for the
 * digest. The request still checks on every click: this spares people a button, it does not grant anything.
 */
import type { Finding } from '../../connections/findings';
import { ROTATION_REQUEST_VERB } from '../../operations/rotation/requestVerb';
import { rotationRequestAllowed, whoMayRequestRotation } from '../../operations/rotation/rotationRequests';
import type { User } from '../../tenant/model';
import type { OwnerIdsResult } from '../../tenant/ports';
import type { Recipient } from './recipients';

/** Graph's $batch limit: owners of this many apps per request. */
const OWNER_BATCH = 20;

export interface ButtonFacts {
  /** The owners the scan read, by the app's lower-case object id. */
  appOwners?: ReadonlyMap<string, { displayName: string; ownerIds: string[] }>;
  /** Directory users the scan met, by lower-case id (the owners' names). */
  users: ReadonlyMap<string, User>;
  /** The owners of apps the scan did not read (Graph $batch of at most 20). */
  readOwners(objectIds: string[]): Promise<OwnerIdsResult[]>;
}

/** Finding id → the sentence that replaces its button, for the buttons this recipient may not use. */
export async function withheldButtons(
  recipient: Pick<Recipient, 'audience' | 'target'>,
  findings: readonly Finding[],
  facts: ButtonFacts,
): Promise<Map<string, string>> {
  const withheld = new Map<string, string>();
  // The tenant digest goes to admins (whom every request accepts) and to channels, where whoever clicks is checked
  // then: its buttons stay.
  if (recipient.audience === 'tenant' || !('userId' in recipient.target)) return withheld;
  const userId = recipient.target.userId;
  const rotations = findings.filter(
    (f) => f.action?.verb === ROTATION_REQUEST_VERB && typeof f.action.data?.appObjectId === 'string',
  );
  if (!rotations.length) return withheld;
  const appOf = (f: Finding) => (f.action?.data?.appObjectId ?? '').toLowerCase();
  const owners = new Map<string, string[] | undefined>();
  for (const f of rotations) owners.set(appOf(f), facts.appOwners?.get(appOf(f))?.ownerIds);
  await readMissing(owners, facts);
  for (const finding of rotations) {
    const app = appOf(finding);
    const ownerIds = owners.get(app);
    // Owners that could not be read: no button (the rule cannot be applied), and the words still say who can.
    if (ownerIds && rotationRequestAllowed(userId, { admin: false, ownerIds })) continue;
    const name =
      facts.appOwners?.get(app)?.displayName ??
      (finding.kind.startsWith('credential-') ? finding.subject : 'the app registration it signs in with');
    const names = (ownerIds ?? []).flatMap((id) => facts.users.get(id.toLowerCase())?.displayName ?? []);
    withheld.set(finding.id, whoMayRequestRotation(name, names));
  }
  return withheld;
}

/** Fills in the owners the scan did not read; a failed read leaves them unknown. */
async function readMissing(owners: Map<string, string[] | undefined>, facts: ButtonFacts): Promise<void> {
  const missing = [...owners].filter(([, ids]) => ids === undefined).map(([id]) => id);
  for (let i = 0; i < missing.length; i += OWNER_BATCH) {
    const batch = missing.slice(i, i + OWNER_BATCH);
    const results = await facts.readOwners(batch).catch(() => []);
    for (const r of results) if (r.ownerIds) owners.set(r.objectId.toLowerCase(), r.ownerIds);
  }
}
