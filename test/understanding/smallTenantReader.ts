/**
 * A small made-up tenant's names and a reader over them, for the understanding tests that read one sentence at a
 * time (no demo tenant, no dispatcher).
 */
import { NameIndex, understand, type ConversationSubject } from '../../src/understanding';

export const NOW = new Date('2026-12-04T10:00:00Z');

export const smallTenantNames = new NameIndex([
  { type: 'flow', name: 'Stock alerts' },
  { type: 'solution', name: 'Vendor Management' },
  { type: 'app', name: 'ALM-Pipeline-SP' },
  { type: 'app', name: 'Legacy-Integration' },
  { type: 'connection', name: 'SQL Server', aliases: [{ text: 'sql' }] },
  { type: 'user', name: 'Lee Gu', aliases: [{ text: 'Lee', when: 'capitalised' }] },
  { type: 'user', name: 'Lynne Robbins', aliases: [{ text: 'Lynne', when: 'capitalised' }] },
  { type: 'user', name: 'Adele Vance', aliases: [{ text: 'Adele', when: 'capitalised' }] },
]);

export const read = (text: string, last?: ConversationSubject) =>
  understand(text, { names: smallTenantNames, now: NOW, last });
