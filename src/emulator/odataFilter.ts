/**
 * The small part of OData $filter the clients use: `field eq value` clauses joined by `and`, where value is a
 * quoted string (quotes doubled inside), a number, a bare GUID (37 characters too: the demo users' Entra ids, the
 * Agents Playground's, carry a 13th digit in their last group), true/false or null. Anything else is refused, so
 * a client relying on more fails here rather than against the real service.
 */

export type FilterValue = string | number | boolean | null;
export interface EqClause {
  field: string;
  value: FilterValue;
}

export function parseEqFilter(filter: string | undefined): EqClause[] | undefined {
  if (filter === undefined || filter.trim() === '') return [];
  const clauses: EqClause[] = [];
  let rest = filter.trim();
  const clause =
    /^([A-Za-z_][A-Za-z0-9_/]*)\s+eq\s+('(?:[^']|'')*'|[0-9a-fA-F-]{36,37}|-?\d+(?:\.\d+)?|true|false|null)\s*/;
  while (rest) {
    const match = rest.match(clause);
    if (!match) return undefined;
    clauses.push({ field: match[1], value: literal(match[2]) });
    rest = rest.slice(match[0].length);
    if (!rest) break;
    const and = rest.match(/^and\s+/i);
    if (!and) return undefined;
    rest = rest.slice(and[0].length);
  }
  return clauses;
}

function literal(text: string): FilterValue {
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** Case-insensitive for strings (GUIDs and names compare that way in these APIs). */
export function matchesAll(row: Record<string, unknown>, clauses: EqClause[]): boolean {
  return clauses.every(({ field, value }) => {
    const actual = row[field];
    if (typeof value === 'string' && typeof actual === 'string') return actual.toLowerCase() === value.toLowerCase();
    return (actual ?? null) === value;
  });
}
