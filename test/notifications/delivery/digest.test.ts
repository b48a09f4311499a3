import type { Finding } from '../../../src/connections/findings';
import { buildDigest, digestPage, MAX_CARD_BYTES } from '../../../src/notifications/delivery/digest';
import type { RecipientDiff } from '../../../src/notifications/delivery/ledger';

const finding = (i: number, overrides: Partial<Finding> = {}): Finding => ({
  id: `credential-expiring:app${i}:key${i}`,
  kind: 'credential-expiring',
  severity: i % 3 === 0 ? 'high' : 'medium',
  subject: `App registration number ${i} with a fairly long display name`,
  daysLeft: 10,
  owner: 'Megan Bowen',
  why: 'Its secret expires in 10 days. 3 connections sign in with this app and will fail. '.repeat(3),
  action: { title: 'Rotate', verb: 'rotation.request', data: { appObjectId: `object-${i}` } },
  ...overrides,
});

function diffOf(findings: Finding[], resolved = 0): RecipientDiff {
  return {
    recipient: 'user:alex',
    changes: findings.map((f) => ({ finding: f, change: 'new' as const, stage: 'within:30' as const })),
    unchanged: [],
    resolved: Array.from({ length: resolved }, (_, i) => ({
      lineage: `x${i}`,
      findingId: `x${i}`,
      stage: 'open' as const,
      severity: 'low' as const,
      subject: `Fixed thing ${i}`,
      scope: 'directory',
      scanId: 's0',
      at: new Date().toISOString(),
    })),
    writes: [],
    deletes: [],
  };
}

type Json = Record<string, unknown>;
function actions(card: unknown): Json[] {
  const out: Json[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Json;
      if (typeof o.type === 'string' && o.type.startsWith('Action.')) out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('the digest card', () => {
  it('shows counts by severity and gives each new finding its own button with ids only', () => {
    const digest = buildDigest({
      id: 'scan|user:alex',
      diff: diffOf([finding(1), finding(3)], 1),
      audience: 'tenant',
      partial: [],
    });
    const card = digestPage(digest, 1);
    expect(card.version).toBe('1.5');
    const text = JSON.stringify(card);
    expect(text).toContain('High');
    expect(text).toContain('Fixed thing 0');
    const rotate = actions(card).filter((a) => a.verb === 'rotation.request');
    expect(rotate.map((a) => a.data)).toEqual([{ appObjectId: 'object-1' }, { appObjectId: 'object-3' }]);
    const report = actions(card).find((a) => a.verb === 'chat.ask');
    expect(report).toMatchObject({
      title: 'Open health report',
      data: { text: 'health report', keepCard: true },
    });
    expect(actions(card).some((a) => a.verb === 'digest.page')).toBe(false);
  });

  it('pages a long digest and keeps every page under the Teams card size limit', () => {
    const many = Array.from({ length: 100 }, (_, i) => finding(i));
    const digest = buildDigest({ id: 'scan|user:alex', diff: diffOf(many, 30), audience: 'tenant', partial: [] });
    const seen = new Set<string>();
    let page = 1;
    for (;;) {
      const card = digestPage(digest, page);
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(MAX_CARD_BYTES);
      for (const a of actions(card))
        if (a.verb === 'rotation.request') seen.add((a.data as Json).appObjectId as string);
      const more = actions(card).find((a) => a.verb === 'digest.page');
      if (!more) break;
      expect(more.data).toEqual({ digestId: 'scan|user:alex', page: page + 1 });
      page++;
    }
    expect(page).toBeGreaterThan(1);
    expect(seen.size).toBe(100);
  });

  it('says what could not be checked instead of implying all is well', () => {
    const digest = buildDigest({
      id: 'd',
      diff: diffOf([finding(1)]),
      audience: 'tenant',
      partial: ['connections in Contoso PROD: the service is unavailable'],
    });
    expect(JSON.stringify(digestPage(digest))).toContain('Not checked this time');
  });
});

describe('buttons a recipient may use', () => {
  const leaver = finding(7, {
    id: 'connection-owner-disabled:env:c-lee',
    kind: 'connection-owner-disabled',
    subject: 'Lee SQL',
    why: 'Owned by Lee Gu, whose account is disabled.',
    action: { title: 'Hand over', verb: 'handover.request', data: { userId: 'u-lee' } },
  });

  it('a maker is not offered [Hand over], which only admins may ask for: the item says who can', () => {
    const card = digestPage(
      buildDigest({ id: 'scan|user:adele', diff: diffOf([leaver]), audience: 'maker', partial: [] }),
      1,
    );
    expect(actions(card).some((a) => a.verb === 'handover.request')).toBe(false);
    expect(JSON.stringify(card)).toContain(
      '[Hand over] is for Power Platform admins: they have it in their digest and in the health report.',
    );
  });

  it('an admin (tenant digest) keeps [Hand over]; a maker keeps buttons they may use', () => {
    const tenant = digestPage(
      buildDigest({ id: 'scan|user:alex', diff: diffOf([leaver]), audience: 'tenant', partial: [] }),
      1,
    );
    expect(
      actions(tenant)
        .filter((a) => a.verb === 'handover.request')
        .map((a) => a.data),
    ).toEqual([{ userId: 'u-lee' }]);
    const maker = digestPage(
      buildDigest({ id: 'scan|user:megan', diff: diffOf([finding(1)]), audience: 'maker', partial: [] }),
      1,
    );
    expect(actions(maker).some((a) => a.verb === 'rotation.request')).toBe(true);
  });
});
