/**
 * A digest's [Show more] (`digest.page`): the next page of a digest kept in the archive, for the person it was sent
 * to (or, for the tenant digest, any admin: a channel's digest has no single recipient).
 */
import type { Caller } from '../../access/caller';
import { textReply, type Reply } from '../../cards/reply';
import type { DomainContext } from '../../context';
import { digestPage, type DigestArchive } from './digest';

export async function showDigestPage(
  deps: { access: DomainContext['access']; digests: DigestArchive },
  caller: Caller,
  digestId: string,
  page: number,
): Promise<Reply> {
  const digest = digestId ? await deps.digests.get(digestId) : undefined;
  if (!digest) return textReply('That digest is no longer available; the next scan sends a fresh one.');
  const own = digest.recipient === `user:${caller.userId.toLowerCase()}`;
  if (!own && !(digest.audience === 'tenant' && (await deps.access.isAdmin(caller)))) {
    return textReply('This digest was sent to someone else.');
  }
  return { cards: [digestPage(digest, Math.max(1, Math.floor(page) || 1))] };
}
