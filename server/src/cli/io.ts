// The process edges main() talks to, injectable so tests can run the CLI in-process.
export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  cwd: string;
  env: Record<string, string | undefined>;
}

const guarded = new Set<NodeJS.WriteStream>();

/** Error codes of a write to a reader that has gone away (`| head -1`, a closed terminal or socket). */
const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

/**
 * Without a listener, a failed write to a process stream is an uncaught exception: a stack trace and
 * exit code 1. A reader that went away early (`pg-preflight check ... | head -1`, `2>&1 | head`) is not
 * an error: later output is dropped and the command ends with the exit code it would have had. Any
 * other write failure (EIO, ...) ends the process with one line and exit code 2, never a stack trace.
 */
function guard(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (READER_GONE.has(err?.code ?? '')) return;
    if (stream !== process.stderr) process.stderr.write(`pg-preflight: cannot write output: ${err?.message ?? err}\n`);
    process.exit(2);
  });
}

export function processIo(partial: Partial<Io> = {}): Io {
  if (!partial.stdout) guard(process.stdout);
  if (!partial.stderr) guard(process.stderr);
  return {
    stdout: partial.stdout ?? process.stdout,
    stderr: partial.stderr ?? process.stderr,
    cwd: partial.cwd ?? process.cwd(),
    env: partial.env ?? process.env,
  };
}
