/** Serialises a value to store, refusing what JSON cannot carry instead of silently storing "undefined". */
export function toJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`Cannot store ${what}: the value is not JSON-serialisable.`);
  return json;
}
