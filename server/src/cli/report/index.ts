// The output formats. Each reporter is a pure function (results, options) -> string.
import type { FileResult, ReportOptions } from './common';
import { renderGithub } from './github';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import { renderText } from './text';

export type Format = 'text' | 'json' | 'sarif' | 'github' | 'markdown';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'github', 'markdown'];

export const REPORTERS: Record<Format, (results: FileResult[], options?: ReportOptions) => string> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  github: renderGithub,
  markdown: renderMarkdown,
};
