// JIT warm-up: right after start-up V8 runs the analysis in its interpreter, and the first minute of
// typing after opening a file was 3-5 times slower per keystroke than the rest (a 200-statement
// migration: p90 ~8 ms cold, ~3 ms once the rules, the lock model and the parser's glue are compiled).
// So once the server is idle after its first analysis it types a built-in migration into a private
// document, a slice (one analysis and its diagnostics, ~1 ms) at a time, only in the pauses (no lint
// pending, no edit for a moment), until V8 has compiled the hot code. Nothing of it is published or
// counted: its results are dropped and the work counters the tests read are put back after each slice.
import { DEFAULT_SETTINGS } from '@pg-preflight/shared';
import { analyze } from '../core/analyze';
import { AnalysisMemo } from '../core/memo';
import { astCounters } from '../core/syntax/ast';
import { parseCounters } from '../core/syntax/parse';
import { LineIndex } from '../core/syntax/text';
import { toDiagnostics } from './convert';

/** The hosts run the warm-up only when nothing was edited, linted or asked for this long. */
export const WARM_UP_IDLE_MS = 30;
/** Analyses the warm-up runs: about what a few hundred keystrokes at the end of a migration cost. */
export const WARM_UP_ANALYSES = 300;
/** A slice is postponed this long while the host is busy. */
const BUSY_RETRY_MS = 30;

const PATH = '/pg-preflight-warm-up/supabase/migrations/20000101000000_warm_up.sql';

/** The statements of an everyday migration: tables, columns, constraints, indexes, data, a transaction. */
const SAMPLE = `SET lock_timeout = '3s';
CREATE TABLE public.customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  name varchar(200),
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.customers IS 'people who buy things';
CREATE TABLE public.invoices (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES public.customers (id),
  total numeric(12, 2) NOT NULL DEFAULT 0,
  metadata json,
  issued_at timestamp
);
CREATE INDEX invoices_customer_idx ON public.invoices (customer_id);
ALTER TABLE public.invoices ADD COLUMN paid boolean NOT NULL DEFAULT false;
ALTER TABLE public.invoices ADD COLUMN due_on date;
ALTER TABLE public.invoices ALTER COLUMN due_on SET NOT NULL;
ALTER TABLE public.invoices ADD CONSTRAINT invoices_total_check CHECK (total >= 0);
ALTER TABLE public.invoices ALTER COLUMN total TYPE numeric(14, 2);
ALTER TABLE public.customers RENAME COLUMN name TO full_name;
UPDATE public.invoices SET paid = true WHERE total = 0;
ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY customers_own ON public.customers FOR SELECT USING (email = current_user);
BEGIN;
ALTER TABLE public.invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES public.customers (id) NOT VALID;
ALTER TABLE public.invoices VALIDATE CONSTRAINT invoices_customer_fk;
COMMIT;
CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON public.customers (email);
DROP INDEX invoices_customer_idx;
ALTER TABLE public.invoices DROP COLUMN metadata;
`;

/** The part typed a character at a time; the rest is there from the start. */
const TYPED = `ALTER TABLE public.customers ADD COLUMN archived_at timestamptz;
CREATE INDEX CONCURRENTLY customers_archived_idx ON public.customers (archived_at);
ALTER TABLE public.invoices ADD CONSTRAINT invoices_due_check CHECK (due_on > '2000-01-01') NOT VALID;
ALTER TABLE public.invoices VALIDATE CONSTRAINT invoices_due_check;
`;

export interface WarmUpHost {
  /** True while some document waits for its lint or the user is typing: the warm-up steps aside. */
  busy(): boolean;
}

export class WarmUp {
  private started = false;
  private stopped = false;
  private done = 0;
  private readonly memo = new AnalysisMemo();

  constructor(private readonly host: WarmUpHost) {}

  /** Starts once (later calls do nothing); runs in slices on the event loop. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.next(0);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Analyses run so far (tests). */
  get analyses(): number {
    return this.done;
  }

  private next(delayMs: number): void {
    if (this.stopped || this.done >= WARM_UP_ANALYSES) return;
    const run = () => {
      if (this.stopped) return;
      if (this.host.busy()) return this.next(BUSY_RETRY_MS);
      this.slice();
      this.next(0);
    };
    // The retry timer is unref'd (a waiting warm-up never keeps the process alive); the next slice is a
    // plain setImmediate: an unref'd one lets the loop block in its poll for input and run it only then.
    if (delayMs > 0) setTimeout(run, delayMs).unref?.();
    else setImmediate(run);
  }

  /** One keystroke of the private document: analysed and converted like a real one, then dropped. */
  private slice(): void {
    const typed = this.done % (TYPED.length + 1);
    const text = SAMPLE + TYPED.slice(0, typed);
    this.done++;
    const parse = { ...parseCounters };
    const ast = { ...astCounters };
    try {
      const analysis = analyze({ text, path: PATH, settings: DEFAULT_SETTINGS, memo: this.memo, isMigration: true });
      toDiagnostics(
        {
          uri: `file://${PATH}`,
          version: this.done,
          text,
          lines: new LineIndex(text),
          analysis,
          settings: DEFAULT_SETTINGS,
          statsSource: 'none',
          pgVersionSource: 'default',
          isMigration: true,
        },
        { docsUrl: () => undefined },
      );
    } catch {
      // analyze() never throws; if it did, a warm-up is not worth a report: stop it.
      this.stopped = true;
    } finally {
      Object.assign(parseCounters, parse);
      Object.assign(astCounters, ast);
    }
  }
}
