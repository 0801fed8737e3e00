// `pg-preflight stats`: a read-only statistics snapshot of a live database, written as JSON (the file
// `check --stats` reads).
import * as path from 'node:path';
import { stringFlag, type ParsedArgs } from './args';
import { statsFromDatabase } from '../project/database';
import { EXIT_OK, UsageError } from './errors';
import { checkWritable, writeFileAtomic } from '../project/fsutil';
import type { Io } from './io';

export async function runStats(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length)
    throw new UsageError('stats', `unexpected argument '${args.positionals[0]}'; the database is given with --database-url`);
  const url = stringFlag(args, 'database-url');
  if (url === undefined) throw new UsageError('stats', '--database-url is required');
  const shownOutput = stringFlag(args, 'output');
  const output = shownOutput !== undefined ? path.resolve(io.cwd, shownOutput) : undefined;
  if (output) checkWritable(output, shownOutput as string);
  const snapshot = await statsFromDatabase(url);
  const json = JSON.stringify(snapshot, null, 2) + '\n';
  if (output) {
    writeFileAtomic(output, json, shownOutput as string);
    io.stderr.write(
      `pg-preflight: wrote statistics for ${snapshot.tables.length} tables${snapshot.source ? ` from ${snapshot.source}` : ''} to ${shownOutput}\n`,
    );
  } else {
    io.stdout.write(json);
  }
  return EXIT_OK;
}
