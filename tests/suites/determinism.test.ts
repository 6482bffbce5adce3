// Goldens and seeded gradient streams are byte-identical across runs and machines (issue 8 item 3).
//
// "Across machines" is checked the way it can be from one machine: the goldens are regenerated in a
// child process whose environment differs in everything the generator must not depend on — time
// zone (Pacific/Chatham, UTC+12:45/+13:45), locale (tr_TR: decimal comma, dotted/dotless i), the
// clock (Date.now shifted by years), V8's hash and random seeds, the working directory — and where
// Math.random throws. The bytes it produces must hash to the committed manifest. Seeded streams are
// compared in-process (twice), against that child, and against a pinned hash of their bits.
//
// What could make the golden text vary, from reading suites/goldens.ts: the writer does not sort
// keys; it relies on insertion order, which ECMAScript fixes (integer-like keys first, ascending,
// then strings in creation order). Trajectory and step objects are literals in the writer;
// `hyperparameters` is resolveVariant's `native`, built by iterating the profile's nativeNames and
// then its native flags (a Map, insertion order) — so its order is the profile definition's, not the
// order in which a case lists its settings. The tests below pin both facts. Numbers go through
// JSON.stringify (locale-independent shortest round-trip decimal) or encodeNumber.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DTYPES } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import { profileKey } from '../../reference/profile.js';
import { PROFILES } from '../../reference/profiles/index.js';
import { resolveVariant } from '../../reference/resolve.js';
import { caseAppliesTo } from '../../suites/case-source.js';
import { renderAllGoldens } from '../../suites/goldens.js';
import { generateStream, STREAM_KINDS, type StreamSpec } from '../../suites/gradient-streams.js';
import { ALL_CASES } from '../../suites/suites.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOLDENS = join(ROOT, 'goldens');
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Two specs per stream kind: different dimensions, lengths, seeds, scales and injection steps. */
const STREAM_SPECS: StreamSpec[] = STREAM_KINDS.flatMap((kind, i) => [
  { kind, dim: 5, steps: 7, seed: 17 + i },
  { kind, dim: 3, steps: 10, seed: 2 ** 31 - 1 - i, scale: 1e3, at: 4 },
]);

/** A stream's exact bytes, as hex (NaN payloads included: same machine, same engine). */
const streamHex = (s: Float64Array[]) =>
  s.map((g) => Buffer.from(g.buffer, g.byteOffset, g.byteLength).toString('hex')).join('|');

/** Bits of every value, NaN written as NaN (its payload is not part of the contract): the same on any machine. */
function canonicalStreamText(specs: readonly StreamSpec[]): string {
  const word = (x: number) =>
    Number.isNaN(x) ? 'NaN' : Buffer.from(Float64Array.of(x).buffer).readBigUInt64LE().toString(16).padStart(16, '0');
  return specs
    .map(
      (spec) =>
        `${JSON.stringify(spec)}\n${generateStream(spec)
          .map((g) => Array.from(g, word).join(' '))
          .join('\n')}`,
    )
    .join('\n');
}

// ---- the child process -------------------------------------------------------------------------

const DATE_SHIFT_MS = 4 * 365 * 24 * 3600 * 1000 + 12_345;

const PRELOAD = `
const realNow = Date.now;
Date.now = () => realNow() + ${DATE_SHIFT_MS};
Math.random = () => { throw new Error('Math.random used'); };
`;

const CHILD = `
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [root, specsJson] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(root, path)).href);
const { renderAllGoldens } = await load('suites/goldens.ts');
const { generateStream } = await load('suites/gradient-streams.ts');
const sha256 = (text) => createHash('sha256').update(text).digest('hex');
let mathRandomThrows = false;
try { Math.random(); } catch { mathRandomThrows = true; }
const options = Intl.DateTimeFormat().resolvedOptions();
const files = {};
for (const [name, text] of renderAllGoldens()) files[name] = sha256(text);
const streams = JSON.parse(specsJson).map((spec) => generateStream(spec).map((g) => Buffer.from(g.buffer, g.byteOffset, g.byteLength).toString('hex')).join('|'));
process.stdout.write(JSON.stringify({
  environment: {
    timeZone: options.timeZone,
    locale: options.locale,
    number: (1234.5).toLocaleString(),
    utcOffsetMinutes: -new Date(0).getTimezoneOffset(),
    dateShiftMs: Date.now() - new Date().getTime(),
    mathRandomThrows,
    cwd: process.cwd(),
    execArgv: process.execArgv,
  },
  files,
  streams,
}));
`;

interface ChildResult {
  environment: {
    timeZone: string;
    locale: string;
    number: string;
    utcOffsetMinutes: number;
    dateShiftMs: number;
    mathRandomThrows: boolean;
    cwd: string;
    execArgv: string[];
  };
  files: Record<string, string>;
  streams: string[];
}

const work = mkdtempSync(join(tmpdir(), 'rmsprop-determinism-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let child: ChildResult | undefined;
function runChild(): ChildResult {
  if (child) return child;
  const preload = join(work, 'preload.mjs');
  const script = join(work, 'child.mjs');
  writeFileSync(preload, PRELOAD);
  writeFileSync(script, CHILD);
  const tsx = createRequire(import.meta.url).resolve('tsx'); // its ESM loader entry
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TZ: 'Pacific/Chatham',
    LANG: 'tr_TR.UTF-8',
    LC_ALL: 'tr_TR.UTF-8',
    LANGUAGE: 'tr',
  };
  delete env.NODE_OPTIONS;
  const r = spawnSync(
    process.execPath,
    [
      '--hash-seed=918273645',
      '--random-seed=1234567',
      '--import',
      pathToFileURL(tsx).href,
      '--import',
      pathToFileURL(preload).href,
      script,
      ROOT,
      JSON.stringify(STREAM_SPECS),
    ],
    { cwd: work, env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`child exited with ${r.status ?? r.signal}: ${r.error?.message ?? ''}\n${r.stderr}`);
  child = JSON.parse(r.stdout) as ChildResult;
  return child;
}

// ---- tests -------------------------------------------------------------------------------------

describe('determinism: goldens', () => {
  const manifestText = readFileSync(join(GOLDENS, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(manifestText) as { files: Record<string, { sha256: string; trajectories: number }> };

  it('the committed golden files hash to the manifest', () => {
    for (const [name, entry] of Object.entries(manifest.files)) {
      expect(sha256(readFileSync(join(GOLDENS, name))), name).toBe(entry.sha256);
    }
  });

  it('a child process in another time zone, locale, clock and V8 seed, with Math.random throwing, regenerates the manifest byte for byte', () => {
    const { environment, files } = runChild();
    // The environment really was different.
    expect(environment.timeZone).toBe('Pacific/Chatham');
    expect(environment.utcOffsetMinutes).toBe(765); // +12:45 on 1 January 1970
    expect(environment.locale).toMatch(/^tr/);
    expect(environment.number).toBe('1.234,5');
    expect(Math.abs(environment.dateShiftMs - DATE_SHIFT_MS)).toBeLessThan(60_000);
    expect(environment.mathRandomThrows).toBe(true);
    expect(environment.cwd).not.toBe(ROOT.replace(/\/$/, ''));
    expect(environment.execArgv).toEqual(expect.arrayContaining(['--hash-seed=918273645', '--random-seed=1234567']));
    // Same files, same bytes: every golden file and the manifest itself.
    expect(Object.keys(files).sort()).toEqual([...Object.keys(manifest.files), 'manifest.json'].sort());
    for (const [name, entry] of Object.entries(manifest.files)) expect(files[name], name).toBe(entry.sha256);
    expect(files['manifest.json']).toBe(sha256(manifestText));
  });

  it('regenerating in this process, twice, gives the same bytes as the child', () => {
    const first = renderAllGoldens();
    const second = renderAllGoldens();
    const { files } = runChild();
    for (const [name, text] of first) {
      expect(second.get(name), name).toBe(text);
      expect(sha256(text), name).toBe(files[name]);
    }
  });

  it('the golden text is canonical JSON with keys in the order the code fixes', () => {
    for (const name of Object.keys(manifest.files)) {
      const profile = PROFILES.find((p) => `${profileKey(p)}.json` === name)!;
      const nativeOrder = [...Object.keys(profile.nativeNames), ...Object.keys(profile.nativeFlags ?? {})];
      const lines = readFileSync(join(GOLDENS, name), 'utf8').split('\n');
      // Line 1 opens the document, the last two close it; one trajectory per line in between.
      for (const line of lines.slice(1, -2)) {
        const text = line.replace(/,$/, '');
        const t = JSON.parse(text) as { hyperparameters: object; steps: object[] };
        // Nothing but JSON.stringify of the value: no locale, no custom number formatting, no spacing.
        expect(JSON.stringify(t), name).toBe(text);
        expect(Object.keys(t)).toEqual(['case', 'dtype', 'hyperparameters', 'x0', 'steps']);
        expect(Object.keys(t.hyperparameters), name).toEqual(nativeOrder);
        for (const s of t.steps) {
          const keys = Object.keys(s);
          expect(keys.slice(0, 3)).toEqual(['grad', 'params', 'v']);
          expect(['grad', 'params', 'v', 'm', 'b'].filter((k) => keys.includes(k))).toEqual(keys);
        }
      }
    }
  });

  it('the order in which a case lists its settings changes nothing resolveVariant returns', () => {
    let checked = 0;
    for (const c of ALL_CASES) {
      const entries = Object.entries(c.settings);
      const orders = entries.map((_, k) => [...entries.slice(k), ...entries.slice(0, k)]).concat([[...entries].reverse()]);
      for (const profile of PROFILES) {
        if (!caseAppliesTo(c, profile).applies) continue;
        for (const dtype of DTYPES) {
          let reference: string;
          try {
            const r = resolveVariant(profile, dtype, c.settings);
            reference = JSON.stringify([r.native, r.variant]);
          } catch (e) {
            if (e instanceof InputError) continue;
            throw e;
          }
          for (const order of orders) {
            const r = resolveVariant(profile, dtype, Object.fromEntries(order));
            expect(JSON.stringify([r.native, r.variant]), `${c.suite}/${c.id} ${profileKey(profile)} ${dtype}`).toBe(reference);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('determinism: seeded gradient streams', () => {
  it('are byte-identical generated twice in this process', () => {
    for (const spec of STREAM_SPECS)
      expect(streamHex(generateStream(spec)), JSON.stringify(spec)).toBe(streamHex(generateStream(spec)));
  });

  it('are byte-identical in the child process (other time zone, locale, clock, V8 seeds; Math.random throwing)', () => {
    const { streams } = runChild();
    expect(streams).toHaveLength(STREAM_SPECS.length);
    STREAM_SPECS.forEach((spec, i) => expect(streams[i], JSON.stringify(spec)).toBe(streamHex(generateStream(spec))));
  });

  it('have the pinned bits (a change in pure-rand or in the stream kinds shows up here first)', () => {
    expect(sha256(canonicalStreamText(STREAM_SPECS))).toBe('b3e0338885a7388a64f9eeab26c0c156ec5d16de933a6938667b92c0bb600536');
  });
});
