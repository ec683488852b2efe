/**
 * Parses `WWW-Authenticate` (RFC 7235 §4.1): one or more challenges, each a scheme with
 * either a token68 or a list of auth-params (token or quoted-string values). Several header
 * lines arrive joined by ", ", which the grammar allows.
 * @module
 */

/** One challenge: the scheme (lower-case), its params (lower-case names) or its token68. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

const tchar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Every challenge in a WWW-Authenticate value; malformed tails are dropped. */
export function parseChallenges(header: string | null): Challenge[] {
  const out: Challenge[] = [];
  if (!header) return out;
  let i = 0;
  const n = header.length;
  const skipWs = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && tchar.test(header[i] as string)) i++;
    return header.slice(start, i);
  };
  const quoted = (): string => {
    i++; // opening quote
    let value = '';
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote
    return value;
  };
  while (i < n) {
    while (i < n && (header[i] === ',' || header[i] === ' ' || header[i] === '\t')) i++;
    const scheme = token();
    if (scheme === '') {
      // Not a token: skip to the next comma.
      while (i < n && header[i] !== ',') i++;
      continue;
    }
    const params: Record<string, string> = {};
    let token68: string | undefined;
    skipWs();
    for (;;) {
      skipWs();
      const start = i;
      const name = token();
      if (name === '') break;
      skipWs();
      if (header[i] !== '=') {
        // `scheme2 …`: the next challenge starts here.
        i = start;
        break;
      }
      if (header[i + 1] === '=' || i + 1 >= n || header[i + 1] === ',') {
        // token68 with '=' padding.
        while (i < n && header[i] === '=') i++;
        token68 = header.slice(start, i);
        skipWs();
        if (header[i] === ',') i++;
        break;
      }
      i++;
      skipWs();
      const value = header[i] === '"' ? quoted() : token();
      params[name.toLowerCase()] = value;
      skipWs();
      if (header[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (token68 === undefined && Object.keys(params).length === 0) {
      // A bare scheme, or a token68 without padding.
      skipWs();
      const start = i;
      while (i < n && header[i] !== ',' && header[i] !== ' ') i++;
      const rest = header.slice(start, i);
      if (rest !== '') token68 = rest;
    }
    out.push(token68 === undefined ? { scheme: scheme.toLowerCase(), params } : { scheme: scheme.toLowerCase(), params, token68 });
  }
  return out;
}
