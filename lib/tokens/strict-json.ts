/**
 * Strict JSON for token segments: `JSON.parse` keeps the last of two members with the same name and
 * reads a number too large for a double (`1e400`) as Infinity. A token's header or claims must have
 * one meaning, so a repeated member name (compared after unescaping, at any depth) or a number that
 * is not finite makes the text unusable.
 */

/** The parsed JSON value, or why it was refused. */
export type StrictJson = { ok: true; value: unknown } | { ok: false; reason: string };

/** Parses `text` as JSON, refusing repeated member names and numbers that are not finite. */
export function parseStrictJson(text: string): StrictJson {
  const fast = canonicalJson(text);
  if (fast !== undefined) return { ok: true, value: fast.value };
  return parseStrictJsonFully(text);
}

/**
 * The value of `text` when `text` is exactly how `JSON.stringify` writes that value (as tokens
 * are written: no spaces, no escapes that need none), else `undefined`. Such a text has no repeated
 * member name (`JSON.parse` keeps one of the two, so the re-written text would be shorter) and no
 * number that is not finite (it would be re-written as `null`), so it is strict JSON as it stands.
 */
export function canonicalJson(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return JSON.stringify(value) === text ? { value } : undefined;
}

/** {@link parseStrictJson} without the canonical-text shortcut: every text checked in full. */
export function parseStrictJsonFully(text: string): StrictJson {
  let nonFinite: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (name, member: unknown) => {
      if (typeof member === 'number' && !Number.isFinite(member)) nonFinite ??= name;
      return member;
    });
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (nonFinite !== undefined)
    return {
      ok: false,
      reason: `the member ${quoted(nonFinite)} holds a number that is not finite`,
    };
  const repeated = repeatedMemberName(text);
  if (repeated !== undefined)
    return { ok: false, reason: `the member name ${quoted(repeated)} appears twice in one object` };
  return { ok: true, value };
}

/** A member name for a message: JSON-quoted and cut to 40 characters. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
}

/**
 * The first member name that repeats within one object of `text`, which must be valid JSON
 * (`JSON.parse` accepted it). One pass, no recursion: a stack holds the names seen per open object
 * (`undefined` for an open array).
 */
function repeatedMemberName(text: string): string | undefined {
  const open: (Set<string> | undefined)[] = [];
  /** True right after `{` or a `,` inside an object: the next string is a member name. */
  let nameNext = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x7b /* { */) {
      open.push(new Set());
      nameNext = true;
    } else if (ch === 0x5b /* [ */) {
      open.push(undefined);
      nameNext = false;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      open.pop();
      nameNext = false;
    } else if (ch === 0x2c /* , */) {
      nameNext = open.at(-1) !== undefined;
    } else if (ch === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (nameNext) {
        const names = open.at(-1);
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names?.has(name)) return name;
        names?.add(name);
        nameNext = false;
      }
      i = end;
    }
  }
  return undefined;
}

/** The index of the quote that closes the JSON string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c /* \ */) i += 2;
    else if (ch === 0x22) return i;
    else i += 1;
  }
  return text.length - 1;
}
