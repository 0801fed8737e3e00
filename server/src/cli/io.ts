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

let epipeGuarded = false;

export function processIo(partial: Partial<Io> = {}): Io {
  if (!partial.stdout && !epipeGuarded) {
    // `pg-preflight check ... | head` closes the pipe early: stop writing quietly instead of crashing.
    epipeGuarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return {
    stdout: partial.stdout ?? process.stdout,
    stderr: partial.stderr ?? process.stderr,
    cwd: partial.cwd ?? process.cwd(),
    env: partial.env ?? process.env,
  };
}
