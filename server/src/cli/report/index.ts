// The output formats. Each reporter is a pure function (results, options) -> string, and a generator of
// the same text in pieces (STREAMERS) that the CLI writes as they come: a report may be larger than a string can be.
import type { FileResult, ReportOptions } from './common';
import { renderGithub, streamGithub } from './github';
import { renderJson, streamJson } from './json';
import { renderMarkdown, streamMarkdown } from './markdown';
import { renderSarif, streamSarif } from './sarif';
import { renderText, streamText } from './text';

export type Format = 'text' | 'json' | 'sarif' | 'github' | 'markdown';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'github', 'markdown'];

export const REPORTERS: Record<Format, (results: FileResult[], options?: ReportOptions) => string> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  github: renderGithub,
  markdown: renderMarkdown,
};

export const STREAMERS: Record<Format, (results: FileResult[], options?: ReportOptions) => Iterable<string>> = {
  text: streamText,
  json: streamJson,
  sarif: streamSarif,
  github: streamGithub,
  markdown: streamMarkdown,
};
