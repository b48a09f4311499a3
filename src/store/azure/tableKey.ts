/**
 * Azure Table PartitionKey/RowKey may not contain / \ # ? or control characters. Escaping them (and the escape
 * character %) per character keeps keys unique and prefixes intact, so prefix listing still works; only the
 * relative order of keys that differ at an escaped character can differ from SQLite's plain key order.
 */
export function tableKey(key: string): string {
  return key.replace(
    /[%/\\#?\u0000-\u001f\u007f-\u009f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** The smallest string greater than every string that starts with `prefix` (for a RowKey range query). */
export function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return undefined;
}
