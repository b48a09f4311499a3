/**
 * [Rotate] on a row of a chat card (my connections, a flow diagnosis), only for whom the rotation request accepts:
 * the app's owners and the admins (rotationRequestAllowed, the request's own rule). Anyone else gets no button, told
 * who can instead, rather than a button that would only be refused. The request checks again on every click.
 */
import type { Caller } from '../access/caller';
import { rotationRequestAllowed, whoMayRequestRotation } from '../operations/rotation/rotationRequests';
import type { AppRegistration } from '../tenant/model';
import { noAction, rotateAction, type RowAction } from './rowAction';
import type { TenantReader } from './tenantReader';

export interface RotateOrWhoCan {
  action: RowAction;
  /** Who may request the rotation, when the caller may not; absent when the button is offered. */
  whoCan?: string;
}

/** `isAdmin` is asked only when the caller is not an owner (most rows never read the admins group). */
export async function rotateOrWhoCan(
  reader: TenantReader,
  caller: Caller,
  app: AppRegistration,
  isAdmin: () => Promise<boolean>,
): Promise<RotateOrWhoCan> {
  const ownerIds = await reader.applicationOwnerIds(app);
  if (rotationRequestAllowed(caller.userId, { admin: false, ownerIds })) return { action: rotateAction(app.id) };
  if (rotationRequestAllowed(caller.userId, { admin: await isAdmin(), ownerIds })) {
    return { action: rotateAction(app.id) };
  }
  const owners = await Promise.all((ownerIds ?? []).map((id) => reader.user(id)));
  const names = owners.flatMap((u) => (u ? [u.displayName] : []));
  return { action: noAction, whoCan: whoMayRequestRotation(app.displayName, names) };
}
