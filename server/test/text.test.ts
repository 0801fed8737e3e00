// text.ts: line/character, UTF-8 byte and code-point conversions. Tables in, positions out; the
// libpg-query section checks the documented meaning of its offsets against the real parser.

import { strict as assert } from 'assert';
import { loadModule, parseSync } from 'libpg-query';
import { LineIndex, Utf8Mapper, parseErrorOffset, utf8ByteOffsetToUtf16 } from '../src/core/syntax/text';

// é: 1 UTF-16 unit, 2 bytes. ✓: 1 unit, 3 bytes. 😀: 2 units (surrogate pair), 4 bytes.

const LINE_CASES: { name: string; text: string; lines: string[] }[] = [
  { name: 'empty', text: '', lines: [''] },
  { name: 'no line break', text: 'select 1', lines: ['select 1'] },
  { name: 'LF', text: 'ab\ncd\n', lines: ['ab', 'cd', ''] },
  { name: 'CRLF', text: 'ab\r\ncd\r\n', lines: ['ab', 'cd', ''] },
  { name: 'lone CR', text: 'ab\rcd', lines: ['ab', 'cd'] },
  { name: 'mixed breaks', text: 'a\r\n\r\nb\n\rc\r\r\n', lines: ['a', '', 'b', '', 'c', '', ''] },
  { name: 'non-ASCII with CRLF', text: 'é✓😀\r\nx😀y\r\n', lines: ['é✓😀', 'x😀y', ''] },
  { name: 'only breaks', text: '\n\r\n\r', lines: ['', '', '', ''] },
];

describe('text: LineIndex', () => {
  for (const c of LINE_CASES) {
    it(`${c.name}: lines`, () => {
      const idx = new LineIndex(c.text);
      assert.equal(idx.lineCount, c.lines.length);
      assert.deepEqual(
        c.lines.map((_, i) => idx.lineText(i)),
        c.lines,
      );
      assert.equal(idx.lineText(-1), '');
      assert.equal(idx.lineText(c.lines.length), '');
    });

    it(`${c.name}: every offset outside a line break round-trips`, () => {
      const idx = new LineIndex(c.text);
      for (let o = 0; o <= c.text.length; o++) {
        const p = idx.positionAt(o);
        assert.ok(p.line >= 0 && p.line < idx.lineCount);
        assert.ok(p.character >= 0 && p.character <= idx.lineText(p.line).length);
        const insideCrlf = c.text[o - 1] === '\r' && c.text[o] === '\n';
        if (!insideCrlf) assert.equal(idx.offsetAt(p), o, `offset ${o}`);
      }
    });
  }

  const TEXT = 'é✓😀\r\nx😀y';
  const POSITIONS: { offset: number; expected: [number, number] }[] = [
    { offset: 0, expected: [0, 0] },
    { offset: 2, expected: [0, 2] }, // before 😀
    { offset: 4, expected: [0, 4] }, // end of line 0 text
    { offset: 5, expected: [0, 4] }, // between \r and \n
    { offset: 6, expected: [1, 0] },
    { offset: 7, expected: [1, 1] },
    { offset: 9, expected: [1, 3] }, // 'y'
    { offset: 10, expected: [1, 4] }, // end of text
    { offset: 99, expected: [1, 4] },
    { offset: -5, expected: [0, 0] },
    { offset: NaN, expected: [0, 0] },
    { offset: 6.7, expected: [1, 0] },
  ];
  for (const p of POSITIONS) {
    it(`positionAt(${p.offset}) in ${JSON.stringify(TEXT)}`, () => {
      const pos = new LineIndex(TEXT).positionAt(p.offset);
      assert.deepEqual([pos.line, pos.character], p.expected);
    });
  }

  const OFFSETS: { pos: [number, number]; expected: number }[] = [
    { pos: [0, 0], expected: 0 },
    { pos: [0, 4], expected: 4 },
    { pos: [0, 99], expected: 4 }, // past the line's text: clamped before the CRLF
    { pos: [1, 2], expected: 8 },
    { pos: [1, -3], expected: 6 },
    { pos: [5, 0], expected: 10 }, // past the last line: end of text
    { pos: [-1, 3], expected: 0 },
    { pos: [NaN, 1], expected: 0 },
    { pos: [1, NaN], expected: 6 },
  ];
  for (const o of OFFSETS) {
    it(`offsetAt(${o.pos}) in ${JSON.stringify(TEXT)}`, () => {
      assert.equal(new LineIndex(TEXT).offsetAt({ line: o.pos[0], character: o.pos[1] }), o.expected);
    });
  }

  it('rangeOf / spanOf', () => {
    const idx = new LineIndex(TEXT);
    const range = idx.rangeOf({ start: 2, end: 9 });
    assert.deepEqual(range, { start: { line: 0, character: 2 }, end: { line: 1, character: 3 } });
    assert.deepEqual(idx.spanOf(range), { start: 2, end: 9 });
    assert.deepEqual(idx.spanOf({ start: range.end, end: range.start }), { start: 2, end: 9 });
  });

  it('never throws on junk input', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const junk: any[] = [undefined, null, 42, {}, 'x'];
    for (const t of junk) {
      const idx = new LineIndex(t);
      idx.positionAt(Infinity);
      idx.positionAt(-Infinity);
      idx.offsetAt(undefined as never);
      idx.offsetAt({ line: Infinity, character: Infinity });
      idx.lineText(NaN);
      idx.rangeOf(undefined as never);
    }
  });
});

describe('text: UTF-8 byte offsets', () => {
  // a(0) é(1,2) ✓(3,4,5) 😀(6..9) b(10); UTF-16: a0 é1 ✓2 😀3,4 b5; 11 bytes, 6 units.
  const TEXT = 'aé✓😀b';
  const BYTES: { byte: number; utf16: number; note?: string }[] = [
    { byte: 0, utf16: 0 },
    { byte: 1, utf16: 1 },
    { byte: 2, utf16: 1, note: 'inside é' },
    { byte: 3, utf16: 2 },
    { byte: 5, utf16: 2, note: 'inside ✓' },
    { byte: 6, utf16: 3 },
    { byte: 8, utf16: 3, note: 'inside 😀' },
    { byte: 10, utf16: 5 },
    { byte: 11, utf16: 6, note: 'end' },
    { byte: 12, utf16: 6, note: 'past the end' },
    { byte: -1, utf16: 0 },
    { byte: NaN, utf16: 0 },
    { byte: 6.9, utf16: 3 },
  ];
  for (const b of BYTES) {
    it(`byte ${b.byte} -> ${b.utf16}${b.note ? ` (${b.note})` : ''}`, () => {
      assert.equal(utf8ByteOffsetToUtf16(TEXT, b.byte), b.utf16);
      assert.equal(new Utf8Mapper(TEXT).toUtf16(b.byte), b.utf16);
    });
  }

  const UTF16: { utf16: number; byte: number }[] = [
    { utf16: 0, byte: 0 },
    { utf16: 2, byte: 3 },
    { utf16: 3, byte: 6 },
    { utf16: 4, byte: 6 }, // inside the surrogate pair
    { utf16: 5, byte: 10 },
    { utf16: 6, byte: 11 },
    { utf16: 60, byte: 11 },
  ];
  for (const u of UTF16) {
    it(`utf16 ${u.utf16} -> byte ${u.byte}`, () => {
      assert.equal(new Utf8Mapper(TEXT).toUtf8(u.utf16), u.byte);
    });
  }

  it('ASCII text is the identity (clamped)', () => {
    const m = new Utf8Mapper('select 1;\r\n');
    assert.equal(m.byteLength, 11);
    for (let b = 0; b <= 11; b++) assert.equal(m.toUtf16(b), b);
    assert.equal(m.toUtf16(50), 11);
    assert.equal(m.toUtf8(7), 7);
  });

  it('agrees with Buffer on random text (including lone surrogates)', () => {
    const alphabet = ['a', ' ', '\r\n', 'é', 'ß', '✓', '中', '😀', '𝄞', '\uD800', '\uDC00', '\u07FF', '\u0800', '\uFFFF'];
    let seed = 7;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % k;
    };
    for (let round = 0; round < 200; round++) {
      let s = '';
      const len = rand(30);
      for (let k = 0; k < len; k++) s += alphabet[rand(alphabet.length)];
      const m = new Utf8Mapper(s);
      assert.equal(m.byteLength, Buffer.byteLength(s, 'utf8'), JSON.stringify(s));
      for (let i = 0; i <= s.length; i++) {
        const c = s.charCodeAt(i - 1);
        const midPair = c >= 0xd800 && c <= 0xdbff && s.charCodeAt(i) >= 0xdc00 && s.charCodeAt(i) <= 0xdfff;
        if (midPair) continue;
        const bytes = Buffer.byteLength(s.slice(0, i), 'utf8');
        assert.equal(m.toUtf16(bytes), i, `${JSON.stringify(s)} @${i}`);
        assert.equal(m.toUtf8(i), bytes, `${JSON.stringify(s)} @${i}`);
        assert.equal(utf8ByteOffsetToUtf16(s, bytes), i);
      }
    }
  });
});

describe('text: parseErrorOffset', () => {
  // cursorPosition is a 0-based code-point index (see text.ts).
  const CASES: { text: string; cursor: number; utf16: number }[] = [
    { text: "select 'é✓😀' frm x", cursor: 17, utf16: 18 },
    { text: '😀😀x', cursor: 2, utf16: 4 },
    { text: '😀😀x', cursor: 3, utf16: 5 },
    { text: '😀😀x', cursor: 99, utf16: 5 },
    { text: 'abc', cursor: -1, utf16: 0 },
    { text: 'abc', cursor: NaN, utf16: 0 },
    { text: '\uD800x', cursor: 1, utf16: 1 }, // a lone surrogate is one character
  ];
  for (const c of CASES) {
    it(`${JSON.stringify(c.text)} cursor ${c.cursor} -> ${c.utf16}`, () => {
      assert.equal(parseErrorOffset(c.text, c.cursor), c.utf16);
    });
  }
});

describe('text: against the real libpg-query', () => {
  before(async () => {
    await loadModule();
  });

  // The error is expected at input.lastIndexOf(near).
  const ERRORS: { input: string; near: string }[] = [
    { input: "select 'é✓😀' frm x", near: 'x' },
    { input: "select '😀' 'x'", near: "'x'" },
    { input: "select 'é'\r\nfrom 😀\r\nwhere 1 frm2", near: 'frm2' },
    { input: "select '✓', 'abc", near: "'abc" },
    { input: 'select 😀 from', near: '' }, // end of input
    { input: 'frm 😀', near: 'frm' },
    { input: 'select $$😀$$ /* é', near: '/* é' },
  ];
  for (const e of ERRORS) {
    it(`error position in ${JSON.stringify(e.input)}`, () => {
      let details: { cursorPosition?: number } | undefined;
      try {
        parseSync(e.input);
      } catch (err) {
        details = (err as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
      }
      assert.ok(details && typeof details.cursorPosition === 'number', 'expected a parse error with a position');
      assert.equal(parseErrorOffset(e.input, details.cursorPosition as number), e.input.lastIndexOf(e.near));
    });
  }

  it('stmt_location and location are UTF-8 byte offsets', () => {
    const text = "select 'é😀';\r\n  select '✓', xcol;";
    const m = new Utf8Mapper(text);
    const stmts = parseSync(text).stmts ?? [];
    assert.equal(stmts.length, 2);
    const starts = stmts.map((s) => m.toUtf16(s.stmt_location ?? 0));
    assert.deepEqual(starts, [0, text.lastIndexOf('select')]);
    const json = JSON.stringify(stmts[1]);
    const loc = /"ColumnRef":\{"fields":\[\{"String":\{"sval":"xcol"\}\}\],"location":(\d+)\}/.exec(json);
    assert.ok(loc, json);
    assert.equal(m.toUtf16(Number(loc[1])), text.indexOf('xcol'));
    assert.equal(utf8ByteOffsetToUtf16(text, Number(loc[1])), text.indexOf('xcol'));
  });
});
