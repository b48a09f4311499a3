import { compareToLedger, lineageOf, stageOf } from '../../../src/notifications/delivery/findingStage';

describe('where a finding stands for a recipient', () => {
  const expiring = (daysLeft: number) => ({ kind: 'credential-expiring' as const, daysLeft });

  it('places an expiring credential at the smallest threshold it has crossed', () => {
    expect(stageOf(expiring(10), [30, 7, 1])).toBe('within:30');
    expect(stageOf(expiring(6), [30, 7, 1])).toBe('within:7');
    expect(stageOf(expiring(1), [30, 7, 1])).toBe('within:1');
    expect(stageOf(expiring(45), [30, 7, 1])).toBeUndefined();
    expect(stageOf(expiring(45), [60])).toBe('within:60');
  });

  it('tells again when the next threshold is crossed or the finding gets worse, not otherwise', () => {
    expect(compareToLedger(undefined, { stage: 'within:30', severity: 'medium' })).toBe('new');
    expect(
      compareToLedger({ stage: 'within:30', severity: 'medium' }, { stage: 'within:30', severity: 'medium' }),
    ).toBe('unchanged');
    expect(compareToLedger({ stage: 'within:30', severity: 'high' }, { stage: 'within:7', severity: 'high' })).toBe(
      'worse',
    );
    expect(compareToLedger({ stage: 'within:7', severity: 'high' }, { stage: 'expired', severity: 'high' })).toBe(
      'worse',
    );
    expect(compareToLedger({ stage: 'open', severity: 'medium' }, { stage: 'open', severity: 'high' })).toBe('worse');
    expect(compareToLedger({ stage: 'open', severity: 'high' }, { stage: 'open', severity: 'medium' })).toBe(
      'unchanged',
    );
    expect(compareToLedger({ stage: 'expired', severity: 'high' }, { stage: 'stale', severity: 'low' })).toBe(
      'unchanged',
    );
  });

  it('keeps one lineage for a credential from expiring to expired to stale', () => {
    const ids = ['credential-expiring:app:key', 'credential-expired:app:key', 'credential-stale:app:key'];
    const kinds = ['credential-expiring', 'credential-expired', 'credential-stale'] as const;
    const lineages = ids.map((id, i) => lineageOf({ id, kind: kinds[i] }));
    expect(new Set(lineages).size).toBe(1);
    expect(lineageOf({ id: 'connection-error:env:conn', kind: 'connection-error' })).toBe('connection-error:env:conn');
  });
});
