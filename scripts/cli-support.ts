// What every command shares: one-line errors with exit code 2 for bad input, parsing helpers.
import { InputError } from '../reference/errors.js';
import type { Settings } from '../reference/resolve.js';

export const EXIT_OK = 0;
export const EXIT_DIVERGED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;
/** Ctrl-C or SIGTERM: the reports written so far are marked incomplete. */
export const EXIT_INTERRUPTED = 130;

/** Runs a command body; bad input becomes one line on stderr and exit 2, a bug one line and exit 3. */
export async function runCommand(body: () => Promise<number> | number): Promise<void> {
  let code: number;
  try {
    code = await body();
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`rmsprop-harness: error: ${e.message}\n`);
      code = EXIT_USAGE;
    } else {
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(
        `rmsprop-harness: internal error: ${message}${process.env.RMSPROP_HARNESS_DEBUG ? `\n${(e as Error).stack}` : ' (set RMSPROP_HARNESS_DEBUG=1 for the stack)'}\n`,
      );
      code = EXIT_INTERNAL;
    }
  }
  process.exitCode = code;
}

/** "--set a=1 --set b=x" -> { a: '1', b: 'x' } */
export function parseSetOptions(values: readonly string[] | undefined): Settings {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(`--set ${item}: expected name=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/** "3,5" -> [3, 5]; every item a finite number. */
export function parseNumberList(option: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const items = String(text)
    .split(',')
    .map((s) => s.trim());
  return items.map((s) => {
    const n = s === '' ? NaN : Number(s);
    if (!Number.isFinite(n)) throw new InputError(`${option}: '${s}' is not a finite number (expected a comma list such as 3,5)`);
    return n;
  });
}

export function writeJsonToStdout(doc: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(`${JSON.stringify(doc)}\n`, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * yargs turns an option given twice into an array ("--out a --out b" -> ['a', 'b']), which reaches
 * the command as a value of the wrong type. Options that take one value are refused when repeated.
 */
export function refuseRepeatedOptions(argv: Readonly<Record<string, unknown>>, names: readonly string[]): void {
  for (const name of names) {
    const value = argv[name];
    if (Array.isArray(value) && value.length > 1)
      throw new InputError(`--${name}: given ${value.length} times (${value.map(String).join(', ')}); give it once`);
  }
}

/** "a,b" "c" -> ['a', 'b', 'c']: repeated or comma-separated list options, blanks dropped. */
export const list = (values: readonly (string | number)[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Ctrl-C / SIGTERM for a long command: the first aborts the returned signal (the command writes what
 * it has, marked incomplete); a second exits at once. dispose() removes the handlers.
 */
export function interruptible(what: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(`\nrmsprop-harness: interrupted; writing ${what} so far (Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** A value that starts with a minus sign: a negative number or a list starting with one (-1.5,2; -1e-8; -Infinity). */
const NEGATIVE_VALUE = /^-(\d|\.\d|Infinity\b)/;

/**
 * yargs reads `--x0 -1.5,2` as the option without a value followed by short flags -1 -. -5 ...
 * (it only knows plain negative numbers such as -1.5). An option followed by a negative value is
 * rewritten to `--x0=-1.5,2`, which it reads as the option's value.
 */
export function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (/^--[^=]+$/.test(arg) && next !== undefined && NEGATIVE_VALUE.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** What a command's yargs instance knows about its options (yargs' getOptions()). */
export interface OptionKinds {
  key: Record<string, unknown>;
  boolean: readonly string[];
  count?: readonly string[];
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * An option that takes a value, given without one (`trajectory ... --dtype`, `--steps --x0 1`), is an
 * error: yargs would run with the default. A flag given a value it cannot take (`--json=-1`) too.
 */
export function checkOptionValues(args: readonly string[], options: OptionKinds): void {
  const known = (name: string) => name in options.key || camel(name) in options.key;
  const isFlag = (name: string) =>
    [name, camel(name)].some((n) => options.boolean.includes(n) || (options.count ?? []).includes(n));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return;
    const m = /^--([^=]+)(=(.*))?$/s.exec(arg);
    if (!m || !known(m[1])) continue;
    const name = m[1];
    if (isFlag(name)) {
      if (m[2] !== undefined && NEGATIVE_VALUE.test(m[3])) throw new InputError(`--${name}: takes no value, got '${m[3]}'`);
      continue;
    }
    if (m[2] !== undefined) continue;
    const next = args[i + 1];
    if (next === undefined || (next.startsWith('-') && !NEGATIVE_VALUE.test(next)))
      throw new InputError(`--${name}: expected a value after it`);
  }
}
