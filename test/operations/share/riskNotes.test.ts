/**
 * The approver's note on "Can edit": Learn documents the role names of a connection share (the admin cmdlet's
 * CanEdit) but not what Can edit allows beyond Can use, so the note does not state it as fact.
 */
import type { DomainContext } from '../../../src/context';
import { shareRiskNotes } from '../../../src/operations/share/riskNotes';

// No connection to read: the Can edit note needs nothing from the tenant.
const ctx = {} as DomainContext;

test('"Can edit" is not claimed to let them share further: it is marked as not confirmed', async () => {
  const notes = await shareRiskNotes(ctx, { connections: [], role: 'CanEdit' }, undefined);
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatch(/not confirmed on Microsoft Learn/);
  expect(notes[0]).not.toMatch(/also lets them change the connection and share it further\.$/);
});

test('"Can use" gets no such note', async () => {
  expect(await shareRiskNotes(ctx, { connections: [], role: 'CanView' }, undefined)).toEqual([]);
});
