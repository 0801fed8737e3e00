// Rebuilding the schema in the embedded engine: the earlier migrations of the folder, in the runner's
// order (the caller gives them in that order: project/context.ts for the CLI, the workspace for the LSP),
// each statement committed on its own (so CONCURRENTLY, VACUUM and an enum value used after ADD VALUE
// all replay). A statement that fails stops the replay; the failure names the file and the statement.
// Supabase projects first get a small shim of what the platform provides (roles, auth.users, auth.uid(),
// storage.buckets), because their migrations refer to it.
import { createHash } from 'node:crypto';
import type { SourceFile } from '../core/analyze';
import { unwrap } from '../core/syntax/ast';
import { parseFile } from '../core/syntax/parse';
import { parseErrorOffset } from '../core/syntax/text';
import type { Span } from '../core/types';
import { sqlErrorOf, type SqlErrorInfo, type TraceSession } from './engine';
import type { ReplayFailure, TraceSqlError } from './types';

export function stepKey(kind: string, ...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return `${kind}:${h.digest('hex').slice(0, 32)}`;
}

/** A PostgreSQL error mapped onto the statement text it came from (UTF-16 offsets into the file). */
export function mapError(info: SqlErrorInfo, stmtSpan: Span, sql: string): TraceSqlError {
  let span = stmtSpan;
  if (info.position !== undefined) {
    // PostgreSQL's position counts characters (code points), 1-based, in the text it was sent.
    const start = stmtSpan.start + parseErrorOffset(sql, info.position - 1);
    let end = start + 1;
    const rest = sql.slice(start - stmtSpan.start);
    const word = /^("(?:[^"]|"")*"|[\p{L}\p{N}_$.]+)/u.exec(rest);
    if (word) end = start + word[0].length;
    else if (rest.codePointAt(0)! > 0xffff) end = start + 2;
    span = { start: Math.min(start, stmtSpan.end), end: Math.min(Math.max(end, start + 1), stmtSpan.end) };
    if (span.end <= span.start) span = stmtSpan;
  }
  const e: TraceSqlError = { message: info.message, span };
  if (info.code) e.code = info.code;
  if (info.detail) e.detail = info.detail;
  if (info.hint) e.hint = info.hint;
  return e;
}

export interface ReplayOutcome {
  statements: number;
  /** Extensions PGlite does not ship, whose CREATE EXTENSION was skipped. */
  missingExtensions: string[];
  failure?: ReplayFailure;
}

const MISSING_EXTENSION = /is not available|could not open extension control file/i;

/** Replays one earlier migration, statement by statement, committed. */
export async function replayFile(session: TraceSession, file: SourceFile): Promise<ReplayOutcome> {
  const parsed = parseFile(file.text);
  const out: ReplayOutcome = { statements: 0, missingExtensions: [] };
  let lastSpan: Span | undefined;
  let open = false;
  for (const p of parsed.statements) {
    const raw = p.raw;
    if (raw.kind === 'meta') continue;
    if (lastSpan && lastSpan.start === raw.span.start) continue; // several ASTs on one span: run the text once
    lastSpan = raw.span;
    const [kind, node] = unwrap(p.ast);
    try {
      await session.query(raw.text);
      out.statements++;
      if (kind === 'TransactionStmt') {
        const k = String(node.kind);
        if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') open = true;
        else if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_PREPARE') open = false;
      }
    } catch (err) {
      const info = sqlErrorOf(err);
      if (kind === 'CreateExtensionStmt' && MISSING_EXTENSION.test(info.message)) {
        out.missingExtensions.push(String(node.extname ?? '?'));
        continue;
      }
      if (open) await session.exec('ROLLBACK').catch(() => undefined);
      out.failure = { path: file.path, span: raw.span, sql: raw.text, error: mapError(info, raw.span, raw.text) };
      return out;
    }
  }
  // A file that opened a transaction and never closed it: its runner would have committed it at the end.
  if (open) await session.exec('COMMIT').catch(() => undefined);
  await session.exec('RESET ALL; RESET SESSION AUTHORIZATION').catch(() => undefined);
  return out;
}

/** Extension names a set of migrations creates (CREATE EXTENSION [IF NOT EXISTS] name). */
export function extensionsUsed(texts: string[]): string[] {
  const out = new Set<string>();
  const re = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?(?:"([^"]+)"|([A-Za-z_][\w-]*))/gi;
  for (const t of texts) for (const m of t.matchAll(re)) out.add((m[1] ?? m[2]).toLowerCase());
  return [...out];
}

/**
 * What Supabase provides before the first migration runs, reduced to what migrations refer to: the API
 * roles, the auth and storage schemas with their main tables, and the auth helper functions. Embedded
 * engine only; the shapes follow Supabase's own schema (auth.users is much wider there).
 */
export const SUPABASE_SHIM = `
DO $pgpf$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN CREATE ROLE authenticator NOINHERIT LOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_admin') THEN CREATE ROLE supabase_admin SUPERUSER; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_auth_admin') THEN CREATE ROLE supabase_auth_admin NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_storage_admin') THEN CREATE ROLE supabase_storage_admin NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dashboard_user') THEN CREATE ROLE dashboard_user NOLOGIN; END IF;
END $pgpf$;
GRANT anon, authenticated, service_role TO authenticator;
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS storage;
GRANT USAGE ON SCHEMA public, extensions TO anon, authenticated, service_role;
CREATE TABLE IF NOT EXISTS auth.users (
  instance_id uuid, id uuid PRIMARY KEY, aud varchar(255), role varchar(255), email varchar(255),
  encrypted_password varchar(255), email_confirmed_at timestamptz, last_sign_in_at timestamptz,
  raw_app_meta_data jsonb, raw_user_meta_data jsonb, is_super_admin boolean, created_at timestamptz,
  updated_at timestamptz, phone text, phone_confirmed_at timestamptz, deleted_at timestamptz, is_anonymous boolean NOT NULL DEFAULT false);
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $pgpf$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $pgpf$;
CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $pgpf$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')) $pgpf$;
CREATE OR REPLACE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $pgpf$
  SELECT coalesce(nullif(current_setting('request.jwt.claim.email', true), ''), (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')) $pgpf$;
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $pgpf$
  SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''), nullif(current_setting('request.jwt.claims', true), ''))::jsonb $pgpf$;
CREATE TABLE IF NOT EXISTS storage.buckets (
  id text PRIMARY KEY, name text NOT NULL, owner uuid, public boolean DEFAULT false,
  created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now());
CREATE TABLE IF NOT EXISTS storage.objects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), bucket_id text REFERENCES storage.buckets (id), name text, owner uuid,
  metadata jsonb, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(), last_accessed_at timestamptz DEFAULT now());
`;
