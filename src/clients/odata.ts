/** Building URLs the OData way the Microsoft APIs expect: `$` options kept literal, values percent-encoded (%20, not +). */

export function withQuery(url: string, query: Record<string, string | undefined>): string {
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  if (parts.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** One path segment, percent-encoded (UPNs of guests carry '#', names may carry spaces). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
