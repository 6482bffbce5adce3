// Which cells run, which are skipped and which are expected to fail: rules of the form
// 'adapter[:case[:dtype]]' with '*' wildcards, e.g. 'webgpu:edge/*', 'ts-f32:*:float64'.

import { ALL_DTYPES, type Dtype } from '../reference/arithmetic.js';
import { InputError } from '../reference/errors.js';
import { matchesPattern } from './tolerance.js';

export interface SelectionRule {
  adapter: string;
  case: string;
  dtype: string;
  /** Why (xfail rules should say; shown in the report). */
  reason?: string;
}

export function parseRule(text: string, reason?: string): SelectionRule {
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((p) => p.trim() === '')) {
    throw new InputError(`selection rule '${text}': expected adapter[:suite/case[:dtype]] with * wildcards`);
  }
  const [adapter, kase = '*', dtype = '*'] = parts.map((p) => p.trim());
  if (dtype !== '*' && !(ALL_DTYPES as readonly string[]).includes(dtype))
    throw new InputError(`selection rule '${text}': dtype must be ${ALL_DTYPES.join(', ')} or *`);
  return { adapter: adapter, case: kase, dtype, ...(reason ? { reason } : {}) };
}

export function ruleMatches(rule: SelectionRule, adapter: string, caseKey: string, dtype: Dtype): SelectionRule | null {
  const adapterMatches = matchesPattern(rule.adapter, adapter) || matchesPattern(rule.adapter, adapter.split(':')[0]);
  return adapterMatches && matchesPattern(rule.case, caseKey) && matchesPattern(rule.dtype, dtype) ? rule : null;
}

export function firstMatch(
  rules: readonly SelectionRule[],
  adapter: string,
  caseKey: string,
  dtype: Dtype,
): SelectionRule | null {
  for (const r of rules) if (ruleMatches(r, adapter, caseKey, dtype)) return r;
  return null;
}

/** A case pattern matches a case key ('problems/*', 'edge/nan-at') or a bare case id ('nan-at'). */
export function matchesCase(pattern: string, caseKey: string): boolean {
  return matchesPattern(pattern, caseKey) || matchesPattern(pattern, caseKey.split('/')[1] ?? caseKey);
}
