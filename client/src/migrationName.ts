// "New Migration…": the file (or files) a runner expects for a new migration, named the way the runner
// sorts them. Pure: folder listing and clock are passed in. The runner detection and "the name right after
// this one" come from the core's migration naming (server/src/core/migrations/naming.ts).
import type { RunnerId } from '@pg-preflight/shared';
import { compareVersions, flywayName, migrationVersion, nextMigrationName } from 'pg-preflight/dist/src/core/migrations/naming';

export interface NewMigrationInput {
  runner: RunnerId;
  /** Names in the migration folder (files, and for Prisma the per-migration folders). */
  existing: string[];
  /** What the user typed: "add orders status index". */
  description: string;
  now: Date;
  lockTimeout: string;
  statementTimeout: string;
}

export interface NewMigrationFile {
  /** Relative to the migration folder, '/'-separated. */
  path: string;
  text: string;
}

export interface NewMigrationPlan {
  files: NewMigrationFile[];
  /** The file to open for editing. */
  primary: string;
  /** A follow-up the runner needs (e.g. a hash or journal file), shown to the user. */
  note?: string;
}

/** "Add orders.status index!" -> "add_orders_status_index". */
export function slugify(description: string): string {
  const s = description
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)
    .replace(/_+$/, '');
  return s || 'migration';
}

/** YYYYMMDDHHMMSS in UTC (Supabase, Prisma, dbmate, Atlas). */
export function utcTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function header(input: NewMigrationInput, title: string): string {
  return `-- ${title}\n-- A blocked statement queues the application behind it for up to lock_timeout, then fails (rerun it):\nSET lock_timeout = '${input.lockTimeout}';\nSET statement_timeout = '${input.statementTimeout}';\n\n`;
}

/** The greatest existing name by version, or undefined. */
function latest(existing: string[], filter: (n: string) => boolean = () => true): string | undefined {
  let best: { name: string; version: string } | undefined;
  for (const name of existing) {
    if (!filter(name)) continue;
    const version = migrationVersion(name);
    if (!version) continue;
    if (!best || compareVersions(version, best.version) > 0) best = { name, version };
  }
  return best?.name;
}

/** A 14-digit timestamp name that sorts after every existing one (the clock may be behind the last file). */
function timestampName(input: NewMigrationInput, slug: string, suffix: string, filter?: (n: string) => boolean): string {
  const ts = utcTimestamp(input.now);
  const last = latest(input.existing, (n) => /^\d{14}(?=[_.-]|$)/.test(n) && (!filter || filter(n)));
  if (last && compareVersions(migrationVersion(last) as string, ts) >= 0) {
    const next = nextMigrationName(last.replace(/\/migration\.sql$/, '') + (/\.sql$/.test(last) ? '' : '.sql'), slug, 1);
    return next.replace(/\.sql$/, '') + suffix;
  }
  return `${ts}_${slug}${suffix}`;
}

export function planNewMigration(input: NewMigrationInput): NewMigrationPlan {
  const slug = slugify(input.description);
  const title = input.description.trim() || slug;
  switch (input.runner) {
    case 'supabase':
    case 'atlas': {
      const name = timestampName(input, slug, '.sql');
      const plan: NewMigrationPlan = { files: [{ path: name, text: header(input, title) }], primary: name };
      if (input.runner === 'atlas') plan.note = "Atlas checks atlas.sum: run 'atlas migrate hash' after editing.";
      return plan;
    }
    case 'prisma': {
      const folder = timestampName(input, slug, '');
      const path = `${folder}/migration.sql`;
      return {
        files: [{ path, text: header(input, title) }],
        primary: path,
        note: "Prisma: apply with 'prisma migrate deploy' (or 'prisma migrate dev --create-only' to let Prisma write one).",
      };
    }
    case 'dbmate': {
      const name = timestampName(input, slug, '.sql');
      const text = `-- migrate:up\n${header(input, title).replace(/\n\n$/, '\n')}\n\n-- migrate:down\n`;
      return { files: [{ path: name, text }], primary: name };
    }
    case 'flyway': {
      const last = latest(input.existing, (n) => flywayName(n)?.kind === 'V');
      const version = last ? (migrationVersion(last) ?? '0') : '0';
      const major = version.split('.')[0];
      const next = /^\d{12,}$/.test(major) ? utcTimestamp(input.now) : String(BigInt(major) + 1n);
      const name = `V${next}__${slug}.sql`;
      return { files: [{ path: name, text: header(input, title) }], primary: name };
    }
    case 'golang-migrate': {
      const last = latest(input.existing, (n) => /\.up\.sql$/.test(n));
      let base: string;
      if (!last || /^\d{14}_/.test(last)) base = timestampName(input, slug, '', (n) => /\.up\.sql$/.test(n));
      else {
        const digits = (migrationVersion(last) as string).length;
        base = `${(BigInt(migrationVersion(last) as string) + 1n).toString().padStart(digits, '0')}_${slug}`;
      }
      return {
        files: [
          { path: `${base}.up.sql`, text: header(input, title) },
          { path: `${base}.down.sql`, text: `-- Reverts: ${title}\n` },
        ],
        primary: `${base}.up.sql`,
      };
    }
    case 'node-pg-migrate': {
      const name = `${input.now.getTime()}_${slug}.sql`;
      return {
        files: [{ path: name, text: `-- Up Migration\n${header(input, title).replace(/^-- .*\n/, '')}\n-- Down Migration\n` }],
        primary: name,
      };
    }
    case 'drizzle': {
      const last = latest(input.existing, (n) => /^\d{4}_/.test(n));
      const next = last ? String(Number(migrationVersion(last)) + 1).padStart(4, '0') : '0000';
      const name = `${next}_${slug}.sql`;
      return {
        files: [{ path: name, text: header(input, title).replace(/;\n/g, ';\n--> statement-breakpoint\n') }],
        primary: name,
        note: "Drizzle Kit also needs the migration in meta/_journal.json: 'drizzle-kit generate --custom' creates both.",
      };
    }
    case 'graphile-migrate':
      return {
        files: [{ path: 'current.sql', text: header(input, title) }],
        primary: 'current.sql',
        note: "graphile-migrate: work in current.sql, then 'graphile-migrate commit'.",
      };
    case 'sqitch':
      return {
        files: [{ path: `${slug}.sql`, text: `-- Deploy ${slug}\n${header(input, title).replace(/^-- .*\n/, '')}BEGIN;\n\nCOMMIT;\n` }],
        primary: `${slug}.sql`,
        note: `Sqitch: add the change to sqitch.plan ('sqitch add ${slug}' writes deploy, revert and verify scripts).`,
      };
    default: {
      const last = latest(input.existing);
      let name: string;
      if (last && /^\d{1,6}(?=[_.-])/.test(last)) {
        const v = migrationVersion(last) as string;
        name = `${(BigInt(v) + 1n).toString().padStart(v.length, '0')}_${slug}.sql`;
      } else name = timestampName(input, slug, '.sql');
      return { files: [{ path: name, text: header(input, title) }], primary: name };
    }
  }
}

/** The folder part of a migration glob: "supabase/migrations/*.sql" -> "supabase/migrations". */
export function globFolder(glob: string): string {
  const parts = glob.split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (/[*?[\]{}]/.test(p)) break;
    out.push(p);
  }
  if (out.length === parts.length) out.pop();
  return out.join('/');
}

/** The runner a migration folder implies (used when the runner setting is 'auto'). */
export function runnerForFolder(folder: string, existing: string[], sample: string): RunnerId {
  const f = folder.replace(/\\/g, '/');
  if (/(^|\/)supabase\/migrations$/.test(f)) return 'supabase';
  if (/(^|\/)prisma\/migrations$/.test(f) || existing.some((n) => /^\d{14}_[^/]*\/migration\.sql$/.test(n))) return 'prisma';
  if (/(^|\/)db\/migration$/.test(f) || existing.some((n) => flywayName(n)?.kind === 'V')) return 'flyway';
  if (/^--\s*migrate:up\b/m.test(sample)) return 'dbmate';
  if (existing.some((n) => /\.up\.sql$/.test(n))) return 'golang-migrate';
  if (/(^|\/)drizzle$/.test(f)) return 'drizzle';
  if (/^--!\s*/m.test(sample) || existing.includes('current.sql')) return 'graphile-migrate';
  if (/^--\s*atlas:/m.test(sample) || existing.includes('atlas.sum')) return 'atlas';
  if (/(^|\/)deploy$/.test(f)) return 'sqitch';
  if (/(^|\/)db\/migrations$/.test(f)) return 'dbmate';
  return 'plain';
}
