// The Model Context Protocol server (`pg-preflight mcp`): the tools an AI coding assistant calls before it
// proposes a migration, and the rule pages as resources, over stdio, on the official SDK. docs/mcp.md.
// Every tool answers with structured content (its output schema) and the same as text. A problem with
// the input (a missing file, a path outside the workspace, binary SQL) is a tool error result; the server
// goes on. No tool applies a migration or connects to a database: verify_locks runs on embedded PGlite.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNNER_IDS } from '@pg-preflight/shared';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { LOCK_MODES } from '../core/types';
import { ruleDocIds, rulesDocsDir } from '../project/docs';
import { InputError, oneLine } from '../project/errors';
import { toolVersion } from '../project/version';
import { checkMigration, closeTools, explainLocks, planMigration, RULE_URI, splitMigration, verifyLocks, type ToolAnswer } from './tools';
import { Workspace } from './workspace';

// ----------------------------------------------------------------------------------- input schemas

const pgVersion = z
  .number()
  .int()
  .min(11)
  .max(18)
  .optional()
  .describe('PostgreSQL major version the migration runs on in production (default: .pg-preflight.json, else 17)');
const runner = z
  .enum(['auto', ...RUNNER_IDS] as [string, ...string[]])
  .optional()
  .describe('migration runner (transaction wrapping, file naming); default: .pg-preflight.json, else detected');
const statsFile = z
  .string()
  .optional()
  .describe(
    "table statistics snapshot in the workspace (JSON from 'pg-preflight stats'), for sizes and durations; default: the statsFile of .pg-preflight.json",
  );
const source = {
  path: z.string().optional().describe('a migration file, relative to the workspace root'),
  sql: z.string().optional().describe('instead of path: the migration text you are about to write'),
  folder: z
    .string()
    .optional()
    .describe(
      'with sql: the migrations folder it would go in (its earlier migrations are the schema); without it the text is checked alone',
    ),
  fileName: z
    .string()
    .optional()
    .describe("with sql: the file name it would get (default: one that sorts after the folder's last migration)"),
};

// ----------------------------------------------------------------------------------- output schemas

const lockMode = z.enum(LOCK_MODES);
const lockRow = z.object({
  statement: z.number(),
  line: z.number(),
  label: z.string(),
  table: z.string(),
  mode: lockMode,
  modeName: z.string(),
  blocks: z.array(z.string()),
  conflictsWith: z.array(lockMode),
  work: z.enum(['rewrite', 'index build', 'scan', 'truncate', 'none']),
  rewrite: z.boolean(),
  scan: z.boolean(),
  estimatedSeconds: z.number().optional(),
  estimate: z.string(),
  newTable: z.boolean(),
  why: z.string(),
});
const finding = z.object({
  rule: z.string(),
  severity: z.string(),
  message: z.string(),
  line: z.number(),
  column: z.number(),
  statement: z.number().optional(),
  help: z.string().optional(),
  fix: z.string().optional(),
  docs: z.string(),
});

const CHECK_OUT = {
  file: z.string(),
  pgVersion: z.number(),
  runner: z.string(),
  wrappedInTransaction: z.boolean(),
  riskScore: z.number().nullable().describe('1 (harmless) .. 10 (likely outage); null when no statement parsed (not analysed)'),
  findings: z.array(finding),
  locks: z.array(lockRow).describe('the lock analysis table: each lock on a table that already exists'),
  notes: z.array(z.string()),
};
const EXPLAIN_OUT = {
  pgVersion: z.number(),
  runner: z.string(),
  statements: z.array(
    z.object({
      statement: z.number(),
      line: z.number(),
      label: z.string(),
      sql: z.string(),
      transactional: z.boolean(),
      locks: z.array(lockRow),
      parseError: z.string().optional(),
      fails: z.string().optional(),
      unsupported: z.string().optional(),
      notAnalysed: z.array(z.string()).optional(),
    }),
  ),
};
const SPLIT_OUT = {
  file: z.string(),
  runner: z.string().optional(),
  pgVersion: z.number().optional(),
  steps: z.array(
    z.object({
      name: z.string(),
      file: z.string(),
      phase: z.string(),
      transactional: z.boolean(),
      locks: z.string(),
      reverse: z.string(),
      deployNote: z.string().optional(),
    }),
  ),
  files: z.array(z.object({ path: z.string(), text: z.string() })),
  written: z.array(z.string()),
  warnings: z.array(z.string()),
};
const PLAN_OUT = { file: z.string(), riskScore: z.number().nullable(), steps: z.number(), markdown: z.string() };
const VERIFY_OUT = {
  file: z.string(),
  engine: z.string(),
  engineVersion: z.number(),
  replayed: z.array(z.string()),
  replayFailure: z.string().optional(),
  statements: z.array(
    z.object({
      statement: z.number(),
      line: z.number(),
      label: z.string(),
      traced: z.boolean(),
      notTracedReason: z.string().optional(),
      observed: z.array(z.object({ table: z.string(), mode: lockMode.nullable(), rewrite: z.boolean() })),
      predicted: z.array(z.object({ table: z.string(), mode: lockMode, rewrite: z.boolean() })),
      error: z.string().optional(),
    }),
  ),
  disagreements: z.array(z.string()),
  rolledBack: z.boolean(),
  notes: z.array(z.string()),
};

// ----------------------------------------------------------------------------------- the server

export interface McpOptions {
  /** The workspace root: every path is resolved against it and must stay inside it. */
  root: string;
  /** Where unexpected errors are logged (never stdout: that is the protocol). */
  log?: (message: string) => void;
}

/** The tool's answer as a CallToolResult; an input problem (or any error) as a tool error, never a crash. */
async function answer<T extends object>(run: () => Promise<ToolAnswer<T>>, log: (m: string) => void): Promise<CallToolResult> {
  try {
    const r = await run();
    return { content: [{ type: 'text', text: r.text }], structuredContent: r.data as Record<string, unknown> };
  } catch (err) {
    const expected = err instanceof InputError;
    if (!expected) log(`pg-preflight mcp: internal error: ${(err as Error)?.stack ?? String(err)}`);
    const message = expected ? err.message : `internal error: ${oneLine((err as Error)?.message ?? String(err))}`;
    return { isError: true, content: [{ type: 'text', text: message }] };
  }
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

export function createMcpServer(options: McpOptions): McpServer {
  const ws = new Workspace(options.root);
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const server = new McpServer(
    { name: 'pg-preflight', title: 'pg-preflight: lock-aware PostgreSQL migration checks', version: toolVersion() },
    {
      instructions: `pg-preflight checks PostgreSQL migrations for the locks they take and the outages they can cause, in the workspace ${ws.root}. Before you propose or change a migration: check_migration (findings, lock analysis, risk); explain_locks for a statement you are unsure of; split_migration for zero-downtime step files; verify_locks for a dry run on an embedded PostgreSQL. Nothing here applies a migration or touches a database: leave the result for a human to review.`,
    },
  );

  server.registerTool(
    'check_migration',
    {
      title: 'Check a PostgreSQL migration',
      description: `Use this before proposing, writing or changing a PostgreSQL migration, and on any existing migration the user asks about. Give path (a migration file in the workspace) or sql (the text you plan to write) with folder (the migrations folder it would go in; its earlier migrations define the schema). Returns the findings (rule, severity, message, line, help, the fix the rule suggests), the lock analysis table (each table lock: mode, what it blocks, rewrite/scan, estimated duration) and the risk score from 1 to 10. Fix errors and warnings before proposing the migration (for example CREATE INDEX -> CREATE INDEX CONCURRENTLY in its own file). Reads files only.`,
      inputSchema: { ...source, pgVersion, runner, statsFile },
      outputSchema: CHECK_OUT,
      annotations: READ_ONLY,
    },
    async (args) => answer(() => checkMigration(ws, args as Parameters<typeof checkMigration>[1]), log),
  );

  server.registerTool(
    'explain_locks',
    {
      title: 'Explain the locks of SQL statements',
      description: `Use this to learn which locks SQL statements take on a given PostgreSQL version and what each lock blocks (reads, writes, other DDL), for example when choosing between two ways to write a schema change. Give sql; folder (optional) supplies the schema from that folder's migrations. Returns, per statement, each lock (table, mode, what it blocks, the modes it conflicts with, rewrite/scan, why). Does not lint the file: use check_migration for that.`,
      inputSchema: { sql: z.string().describe('one or more SQL statements'), folder: source.folder, pgVersion, runner },
      outputSchema: EXPLAIN_OUT,
      annotations: READ_ONLY,
    },
    async (args) => answer(() => explainLocks(ws, args as Parameters<typeof explainLocks>[1]), log),
  );

  server.registerTool(
    'split_migration',
    {
      title: 'Split a migration into zero-downtime steps',
      description: `Use this when check_migration reports a migration that locks existing tables for long (a plain CREATE INDEX, a FOREIGN KEY or CHECK without NOT VALID, SET NOT NULL, a type change, a rename, a drop). Rewrites one migration file into zero-downtime step files (indexes built CONCURRENTLY in their own files, NOT VALID + VALIDATE, expand/contract with backfill), each saying which lock it takes and how to reverse it. By default returns the files as text and writes nothing; with write: true writes them to outDir (default: a new <migration>.split folder beside it), inside the workspace, and never overwrites a file (nothing is written if any target exists). The input file is left as it is.`,
      inputSchema: {
        path: z.string().describe('the migration file, relative to the workspace root'),
        write: z.boolean().optional().describe('write the step files (default false: only return them)'),
        outDir: z
          .string()
          .optional()
          .describe('with write: the folder to write to, inside the workspace (default: <migration>.split beside it)'),
        pgVersion,
        runner,
        statsFile,
      },
      outputSchema: SPLIT_OUT,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args) => answer(() => splitMigration(ws, args as Parameters<typeof splitMigration>[1]), log),
  );

  server.registerTool(
    'plan_migration',
    {
      title: 'Write the migration plan document',
      description: `Use this when the user wants a reviewable plan for a migration (for a pull request description or a change review): returns the plan document in markdown: summary and risk, the change set, the lock analysis as written and after the split, the steps and deploy phases, backfill and verification queries, rollback, tests to run and the runbook. Give path, or sql with folder. Reads files only.`,
      inputSchema: { ...source, pgVersion, runner, statsFile },
      outputSchema: PLAN_OUT,
      annotations: READ_ONLY,
    },
    async (args) => answer(() => planMigration(ws, args as Parameters<typeof planMigration>[1]), log),
  );

  server.registerTool(
    'verify_locks',
    {
      title: 'Dry-run a migration on embedded PostgreSQL',
      description: `Use this after check_migration (or after split_migration, on each step) to confirm the locks on a real PostgreSQL engine: replays the folder's earlier migrations into an embedded PostgreSQL 18 (PGlite, in memory), runs the migration statement by statement in one transaction that is always rolled back, and reports the locks PostgreSQL actually took next to the model's prediction, any disagreement, and any statement that fails. Never connects to a database; nothing is written. Give path, or sql with folder. Takes a few seconds.`,
      inputSchema: { ...source, pgVersion, statsFile },
      outputSchema: VERIFY_OUT,
      annotations: READ_ONLY,
    },
    async (args) => answer(() => verifyLocks(ws, args as Parameters<typeof verifyLocks>[1]), log),
  );

  registerRuleDocs(server);
  return server;
}

/** docs/rules/<id>.md as pg-preflight://rules/<id>, when this install ships them. */
function registerRuleDocs(server: McpServer): void {
  const dir = rulesDocsDir();
  if (!dir) return;
  const page = (id: string): string | undefined => {
    if (!/^[a-z0-9-]+$/.test(id)) return undefined;
    const file = path.join(dir, `${id}.md`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  };
  const title = (text: string, id: string) => /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? id;
  const summary = (text: string) =>
    text
      .split('\n')
      .find((l) => l.trim() && !l.startsWith('#'))
      ?.trim();
  server.registerResource(
    'rule',
    new ResourceTemplate(`${RULE_URI}{id}`, {
      list: () => ({
        resources: ruleDocIds(dir).map((id) => {
          const text = page(id) ?? '';
          const about = summary(text);
          return {
            uri: `${RULE_URI}${id}`,
            name: id,
            title: title(text, id),
            mimeType: 'text/markdown',
            ...(about ? { description: about } : {}),
          };
        }),
      }),
      complete: { id: (value) => ruleDocIds(dir).filter((id) => id.startsWith(value)) },
    }),
    {
      title: 'pg-preflight rule',
      description: 'What a pg-preflight rule flags, the lock involved, the safe alternative',
      mimeType: 'text/markdown',
    },
    (uri, variables) => {
      const id = String(Array.isArray(variables.id) ? variables.id[0] : variables.id);
      const text = page(id);
      if (text === undefined) throw new InputError(uri.href, `no such rule; the rules are listed by resources/list`);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
    },
  );
}

/** Runs the server on stdin/stdout until the client closes the connection. */
export async function runMcpServer(options: McpOptions): Promise<void> {
  const server = createMcpServer(options);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.close().catch(() => undefined);
  await closeTools();
}
