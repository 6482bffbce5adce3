// Human-readable rendering of an identification: about one screen.

import type { Dtype } from '../../reference/arithmetic.js';
import { decodeNumber } from '../../reference/number-encoding.js';
import { formatUlps } from '../ulp.js';
import { changeText, show } from './identify.js';
import type { Comparison } from './predict.js';
import type { AxisInference, IdentifyResult, UnexplainedProbe } from './types.js';

/** Enough digits to tell neighbouring values of the dtype apart. */
function num(x: number, dtype: Dtype): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  return dtype === 'float64' ? String(x) : String(Number(x.toPrecision(9)));
}

/** "agrees (0 ulp)" or "step 2 p[3]: got 0.99, want 0.98 (12 ulp)". */
export function describeComparison(c: Comparison | undefined, dtype: Dtype): string {
  if (!c) return '—';
  if (c.refused) return `refuses the settings (${c.refused})`;
  if (c.agree) return `agrees (max ${formatUlps(c.maxUlp)} ulp)`;
  const f = c.first!;
  return `step ${f.step} ${f.quantity}[${f.index}]: got ${num(f.observed, dtype)}, predicted ${num(f.predicted, dtype)} (${formatUlps(f.ulp)} ulp; ${c.mismatches} values off)`;
}

/** "no axis explains probe non-finite/float32: step 2 p[0]: expected NaN, observed 0.99 (Inf ulp)". */
export function describeUnexplained(u: UnexplainedProbe, dtype: Dtype): string {
  const head = u.explainedAlone
    ? `probe ${u.probe} is explained alone only by changes that break other probes`
    : `no axis explains probe ${u.probe} (no change of up to 2 axes makes it agree on its own)`;
  if (u.refused) return `${head}: the profile refuses its settings (${u.refused})`;
  if (u.step === undefined) return head;
  return `${head}: step ${u.step} ${u.quantity}[${u.index}]: expected ${num(decodeNumber(u.expected), dtype)}, observed ${num(decodeNumber(u.observed), dtype)} (${formatUlps(u.ulp!)} ulp)`;
}

function probeList(keys: readonly string[]): string {
  const ids = [...new Set(keys.map((k) => k.split('/')[0]))];
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} +${ids.length - 3}`;
}

function axisLine(a: AxisInference): string {
  if (a.status === 'not-probed') return `${a.axis}: ${a.reason}`;
  const parts = a.groups.map((g) => {
    const also = g.alsoConsistent.length > 0 ? ` (or ${g.alsoConsistent.map(show).join(' | ')})` : '';
    const where = a.groups.length > 1 ? ` on ${probeList(g.probes)}` : '';
    return `${show(g.value)}${also}${where}`;
  });
  return `${a.axis}=${parts.join(', ')}`;
}

export function renderIdentifyText(r: IdentifyResult): string {
  const v = r.verdict;
  const lines: string[] = [];
  const ran = r.probes.filter((p) => p.status === 'ran').length;
  lines.push(
    `identify ${r.adapter.label} (${r.adapter.id} ${r.adapter.version}, claims ${r.adapter.claims}${r.adapter.claims === 'unknown' ? `, cases built from ${r.adapter.caseProfile}` : ''}) · ${r.dtypes.join(', ')} · ${ran}/${r.probes.length} probes ran · tolerance ${r.toleranceUlps} ulp`,
  );
  lines.push(`${v.matched ? 'MATCH' : 'NO MATCH'}: ${v.summary}`);
  if ((v.explanations?.length ?? 0) > 1) {
    lines.push(
      `explanations (${v.explanations!.length}, tied at ${v.explanations![0].changes.length} change${v.explanations![0].changes.length === 1 ? '' : 's'}):`,
    );
    for (const x of v.explanations!.slice(0, 8)) lines.push(`  - ${x.label}: ${changeText(x.changes)}`);
    if (v.explanations!.length > 8) lines.push(`  - ... ${v.explanations!.length - 8} more (--json lists them all)`);
  }
  if (v.fromClaimed?.length)
    lines.push(
      `differs from its claimed ${v.fromClaimed.map((x) => `${x.label} by ${changeText(x.changes)}`).join('; or from ')}`,
    );
  for (const u of v.unexplained ?? []) lines.push(describeUnexplained(u, (u.probe.split('/')[1] ?? 'float64') as Dtype));
  if (v.runnerUp) {
    const ru = r.candidates.find((c) => c.label === v.runnerUp);
    if (ru)
      lines.push(
        `runner-up: ${ru.label}, ${ru.disagree} of ${ru.agree + ru.disagree} probes disagree (${probeList(ru.disagreeing)})`,
      );
  }
  const probed = r.axes.filter((a) => a.status !== 'not-probed');
  const notProbed = r.axes.filter((a) => a.status === 'not-probed');
  if (probed.length > 0) lines.push(`axes ("or": values the probes cannot tell apart): ${probed.map(axisLine).join('; ')}`);
  if (notProbed.length > 0)
    lines.push(`not probed: ${notProbed.map((a) => `${a.axis} (${(a.reason ?? '').replace(/^not probed: /, '')})`).join('; ')}`);
  if (r.notProbed.length > 0) lines.push(`not probed here: ${r.notProbed.map((n) => `${n.what} (${n.reason})`).join('; ')}`);
  lines.push('probes (best | runner-up):');
  for (const p of r.probes) {
    if (p.status !== 'ran') {
      lines.push(`  - ${p.key}: ${p.status}: ${p.reason}`);
      continue;
    }
    const e = r.evidence.find((x) => x.key === p.key);
    const mark = e?.best?.agree ? '✔' : '✘';
    lines.push(`  ${mark} ${p.key}: ${describeComparison(e?.best, p.dtype)} | ${describeComparison(e?.runnerUp, p.dtype)}`);
  }
  return `${lines.join('\n')}\n`;
}
