// While foreign code runs in this process (in-process adapters, a config file being loaded), what it
// writes to stdout goes to stderr: stdout carries the report with --json and must hold nothing else.

/** Sends stdout writes to stderr until the returned function is called. */
export function stdoutToStderr(): () => void {
  const original = Object.getOwnPropertyDescriptor(process.stdout, 'write');
  const redirected = ((chunk: unknown, ...rest: unknown[]) =>
    (process.stderr.write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  process.stdout.write = redirected;
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (process.stdout.write !== redirected) return; // someone else replaced it meanwhile: leave theirs
    if (original) Object.defineProperty(process.stdout, 'write', original);
    else delete (process.stdout as { write?: unknown }).write;
  };
}
