// Positions, converted in exactly one place.
//
// Three coordinate systems meet in this project:
//   - UTF-16 code-unit offsets into the file text: what JavaScript strings index by, what `Span`
//     holds, and what every core module speaks.
//   - line/character (0-based, character in UTF-16 code units): what LSP speaks. `LineIndex`.
//   - UTF-8 byte offsets: what libpg-query reports (`stmt_location`, `stmt_len`, every `location`
//     field). `Utf8Mapper` / `utf8ByteOffsetToUtf16`.
// A fourth one hides in libpg-query's parse errors: `cursorPosition` counts characters (code
// points), not bytes. `parseErrorOffset`.
//
// Pure: no Node APIs, no I/O. Nothing here throws, whatever it is given; out-of-range input is
// clamped.

import type { Span } from '../types';

/** 0-based line and character; character counts UTF-16 code units, as LSP does. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

const LF = 10;
const CR = 13;

/** Integer in [lo, hi]; NaN and non-numbers become lo, fractions are floored. */
function clampInt(x: number, lo: number, hi: number): number {
  if (typeof x !== 'number' || !(x > lo)) return lo; // also catches NaN
  if (x >= hi) return hi;
  return Math.floor(x);
}

function asText(text: unknown): string {
  return typeof text === 'string' ? text : '';
}

/**
 * Line starts of a text, for offset <-> line/character conversion. Line breaks are \n, \r\n and a
 * lone \r (as LSP defines them). Built once in a single pass; lookups are binary searches.
 */
export class LineIndex {
  readonly text: string;
  readonly lineCount: number;
  /** Offset of the first character of each line; starts[0] === 0. */
  private readonly starts: number[];

  constructor(text: string) {
    const t = asText(text);
    const starts = [0];
    const n = t.length;
    if (t.indexOf('\r') < 0) {
      // No CR at all (the usual case): let the native indexOf find the line breaks.
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < n; i++) {
        const c = t.charCodeAt(i);
        if (c === LF) {
          starts.push(i + 1);
        } else if (c === CR) {
          if (t.charCodeAt(i + 1) === LF) i++;
          starts.push(i + 1);
        }
      }
    }
    this.text = t;
    this.starts = starts;
    this.lineCount = starts.length;
  }

  /** Offset of the first character of `line` (clamped to an existing line). */
  lineStart(line: number): number {
    return this.starts[clampInt(line, 0, this.lineCount - 1)];
  }

  /** Offset just after the last character of `line`, before its line break (clamped). */
  lineEnd(line: number): number {
    const l = clampInt(line, 0, this.lineCount - 1);
    if (l + 1 >= this.lineCount) return this.text.length;
    let end = this.starts[l + 1];
    if (this.text.charCodeAt(end - 1) === LF) end--;
    if (end > this.starts[l] && this.text.charCodeAt(end - 1) === CR) end--;
    return end;
  }

  /** The text of `line` without its line break; '' for a line that does not exist. */
  lineText(line: number): string {
    if (typeof line !== 'number' || !(line >= 0) || line >= this.lineCount) return '';
    const l = Math.floor(line);
    return this.text.slice(this.starts[l], this.lineEnd(l));
  }

  /**
   * Line/character of a UTF-16 offset. The offset is clamped to [0, text.length]; an offset
   * between the \r and \n of a CRLF maps to the end of that line's text.
   */
  positionAt(offset: number): Position {
    const o = clampInt(offset, 0, this.text.length);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    const end = this.lineEnd(lo);
    return { line: lo, character: Math.min(o, end) - starts[lo] };
  }

  /**
   * UTF-16 offset of a line/character. A line before the first maps to 0, after the last to
   * text.length; a character past the end of the line's text maps to the end of the line's text
   * (LSP: "defaults back to the line length").
   */
  offsetAt(pos: Position): number {
    if (!pos || typeof pos !== 'object') return 0;
    const line = pos.line;
    if (typeof line !== 'number' || !(line >= 0)) return 0;
    if (line >= this.lineCount) return this.text.length;
    const l = Math.floor(line);
    const start = this.starts[l];
    const end = this.lineEnd(l);
    return start + clampInt(pos.character, 0, end - start);
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span ? span.start : 0), end: this.positionAt(span ? span.end : 0) };
  }

  spanOf(range: Range): Span {
    const start = this.offsetAt(range ? range.start : { line: 0, character: 0 });
    const end = this.offsetAt(range ? range.end : { line: 0, character: 0 });
    return end < start ? { start: end, end: start } : { start, end };
  }
}

// --- UTF-8 -------------------------------------------------------------------------------------
//
// libpg-query encodes the JS string with Emscripten's stringToUTF8, which walks code points
// (codePointAt): a valid surrogate pair is one 4-byte character, a lone surrogate is a 3-byte
// character, everything else is standard UTF-8. The widths below follow that exactly.

/** UTF-8 byte length of the character starting at i (code unit c); 4 means a surrogate pair. */
function utf8Width(text: string, i: number, c: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 4;
  }
  return 3;
}

/**
 * UTF-16 offset in `text` of a UTF-8 byte offset into the same text (as libpg-query reports
 * `stmt_location` and `location`). Clamped to [0, text.length]; a byte offset inside a multi-byte
 * character maps to that character's start. O(n) per call: use `Utf8Mapper` for many calls.
 */
export function utf8ByteOffsetToUtf16(text: string, byteOffset: number): number {
  const t = asText(text);
  const n = t.length;
  const b = clampInt(byteOffset, 0, Number.MAX_SAFE_INTEGER);
  let bytes = 0;
  let i = 0;
  while (i < n) {
    if (bytes >= b) return i;
    const w = utf8Width(t, i, t.charCodeAt(i));
    if (bytes + w > b) return i;
    bytes += w;
    i += w === 4 ? 2 : 1;
  }
  return n;
}

/** Distance in UTF-16 units between Utf8Mapper checkpoints. */
const CHECKPOINT_EVERY = 64;

/**
 * Repeated UTF-8 byte <-> UTF-16 conversions over one text. Built lazily on first use. For an
 * all-ASCII text both directions are the identity (clamped) and nothing is stored. Otherwise one
 * pass records a checkpoint (UTF-16 offset, byte offset) about every 64 code units; a lookup is a
 * binary search over the checkpoints plus a walk of at most ~64 code units. Memory stays small
 * (two numbers per 64 units) however much of the text is non-ASCII.
 */
export class Utf8Mapper {
  private readonly text: string;
  private built = false;
  private ascii = true;
  private byteLen = 0;
  /** Checkpoints: UTF-16 offsets (at character boundaries), ascending, u16[0] === 0. */
  private u16: number[] = [];
  /** Byte offsets of the same checkpoints. */
  private u8: number[] = [];

  constructor(text: string) {
    this.text = asText(text);
  }

  /** Length of the text in UTF-8 bytes. */
  get byteLength(): number {
    this.build();
    return this.byteLen;
  }

  /** UTF-16 offset of a UTF-8 byte offset; clamped; mid-character maps to the character start. */
  toUtf16(byteOffset: number): number {
    this.build();
    const b = clampInt(byteOffset, 0, this.byteLen);
    if (this.ascii) return b;
    const k = lastAtOrBefore(this.u8, b);
    const t = this.text;
    const n = t.length;
    let i = this.u16[k];
    let bytes = this.u8[k];
    while (i < n && bytes < b) {
      const w = utf8Width(t, i, t.charCodeAt(i));
      if (bytes + w > b) break;
      bytes += w;
      i += w === 4 ? 2 : 1;
    }
    return i;
  }

  /** UTF-8 byte offset of a UTF-16 offset; clamped; inside a surrogate pair maps to its start. */
  toUtf8(utf16Offset: number): number {
    this.build();
    const o = clampInt(utf16Offset, 0, this.text.length);
    if (this.ascii) return o;
    const k = lastAtOrBefore(this.u16, o);
    const t = this.text;
    let i = this.u16[k];
    let bytes = this.u8[k];
    while (i < o) {
      const w = utf8Width(t, i, t.charCodeAt(i));
      if (w === 4 && i + 1 === o) break; // o splits a surrogate pair
      bytes += w;
      i += w === 4 ? 2 : 1;
    }
    return bytes;
  }

  private build(): void {
    if (this.built) return;
    this.built = true;
    const t = this.text;
    const n = t.length;
    let i = 0;
    while (i < n && t.charCodeAt(i) < 0x80) i++;
    if (i === n) {
      this.byteLen = n;
      return;
    }
    this.ascii = false;
    const u16 = this.u16;
    const u8 = this.u8;
    u16.push(0);
    u8.push(0);
    let next = CHECKPOINT_EVERY;
    let bytes = 0;
    i = 0;
    while (i < n) {
      if (i >= next) {
        u16.push(i);
        u8.push(bytes);
        next = i + CHECKPOINT_EVERY;
      }
      const c = t.charCodeAt(i);
      if (c < 0x80) {
        bytes++;
        i++;
      } else {
        const w = utf8Width(t, i, c);
        bytes += w;
        i += w === 4 ? 2 : 1;
      }
    }
    this.byteLen = bytes;
  }
}

/** Index of the last element <= x in an ascending array whose first element is <= x. */
function lastAtOrBefore(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (a[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// --- libpg-query parse errors ------------------------------------------------------------------
//
// What `err.sqlDetails.cursorPosition` is (libpg-query 18.1.5, checked by experiment and in its
// wasm/index.js; test/text.test.ts checks it against the real library):
//   - PostgreSQL sets the error cursor with pg_mbstrlen_with_len(scanbuf, offset) + 1: a 1-BASED
//     count of CHARACTERS (code points, the parser runs in UTF-8), not bytes.
//   - the JS wrapper turns it 0-based: `cursorpos > 0 ? cursorpos - 1 : 0`.
// So cursorPosition is the 0-based code-point index of the error in the string that was parsed
// (e.g. "select 'é✓😀' frm x" -> 17: 'x' is code point 17, UTF-16 unit 18, byte 23). It is
// neither a byte offset (unlike `location`) nor a UTF-16 offset. An error at end of input
// reports the code-point length of the string. An error with no position also reports 0,
// indistinguishable from "at the first character".

/**
 * UTF-16 offset in `statementText` of a libpg-query parse error's `cursorPosition` (0-based
 * code-point index, see above). Clamped to [0, statementText.length].
 */
export function parseErrorOffset(statementText: string, cursorPosition: number): number {
  const t = asText(statementText);
  const n = t.length;
  const target = clampInt(cursorPosition, 0, n);
  let chars = 0;
  let i = 0;
  while (i < n) {
    if (chars >= target) return i;
    const c = t.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && isLowSurrogate(t.charCodeAt(i + 1)) ? 2 : 1;
    chars++;
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
