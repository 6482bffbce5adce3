import type { Argv } from 'yargs';
import { DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { profileKey } from '../../reference/profile.js';
import { formatProgram } from '../../reference/program/format.js';
import { stepProgram } from '../../reference/program/index.js';
import { listProfiles } from '../../reference/registry.js';
import { resolveVariant } from '../../reference/resolve.js';
import { AXES, HYPERPARAMETERS } from '../../reference/variant.js';
import { parseSetOptions, runCommand, writeJsonToStdout } from '../cli-support.js';

// Typed, so yargs infers the option as a Dtype rather than a string.
const DEFAULT_DTYPE: Dtype = 'float32';

export function profilesCommand(yargs: Argv): Argv {
  return yargs.command(
    'profiles',
    'List the framework profiles with their axes, defaults and cited sources',
    (y) =>
      y
        .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of text' })
        .option('program', {
          type: 'string',
          describe: 'print the step program PROFILE compiles to: one op per line, with rounding and FMA marks',
        })
        .option('dtype', {
          choices: DTYPES,
          default: DEFAULT_DTYPE,
          describe: 'with --program: the dtype (rounding rule) of the program',
        })
        .option('set', {
          type: 'string',
          array: true,
          describe: 'with --program: name=value (native hyperparameter names, canonical names or axes)',
        }),
    (argv) =>
      runCommand(async () => {
        if (argv.program !== undefined) {
          const { variant, profile } = resolveVariant(argv.program, argv.dtype, parseSetOptions(argv.set));
          const program = stepProgram(variant, argv.dtype);
          if (argv.json)
            await writeJsonToStdout({
              profile: profileKey(profile),
              dtype: argv.dtype,
              scalars: program.scalarOps,
              ops: program.ops,
              stages: program.stages,
            });
          else process.stdout.write(`${formatProgram(program, profileKey(profile))}\n`);
          return 0;
        }
        const rows = listProfiles().map((p) => {
          const { variant, native } = resolveVariant(p, 'float64');
          return {
            profile: `${p.name}@${p.version}`,
            default: p.isDefaultVersion,
            framework: p.framework,
            native,
            variant,
            sources: p.sources,
            conditional: p.conditional ?? [],
            notes: p.notes,
          };
        });
        if (argv.json) {
          await writeJsonToStdout({ axes: AXES, hyperparameters: HYPERPARAMETERS, profiles: rows });
          return 0;
        }
        const axisNames = AXES.map((a) => a.name);
        for (const r of rows) {
          const lines = [`${r.profile}${r.default ? '' : ' (older version)'}: ${r.framework}`];
          lines.push(
            `  defaults: ${Object.entries(r.native)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`,
          );
          lines.push(
            `  axes: ${axisNames.map((a) => `${a}=${String((r.variant as unknown as Record<string, unknown>)[a])}`).join(', ')}`,
          );
          for (const c of r.conditional) lines.push(`  when ${JSON.stringify(c.when)}: ${JSON.stringify(c.set)} (${c.because})`);
          for (const s of r.sources) lines.push(`  source: ${s.repo}: ${s.path}`);
          for (const n of r.notes) lines.push(`  note: ${n}`);
          process.stdout.write(`${lines.join('\n')}\n\n`);
        }
        return 0;
      }),
  );
}
