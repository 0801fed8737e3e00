// Markdown that survives whatever SQL and names it quotes: the CLI's markdown report, the plan document
// and the MCP server's answers escape through here.

/** Text safe inside a markdown paragraph or table cell: no raw HTML, no table breaks, one line. */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/([*_~[\]])/g, '\\$1');
}

/** Inline code that survives backticks in the text. */
export function mdCode(s: string): string {
  const one = s.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
  const fence = one.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${one}${fence === '``' ? ' ' : ''}${fence}`;
}
