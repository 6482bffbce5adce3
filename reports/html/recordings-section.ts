// The HTML sections on exactness: how the reference compares with runs recorded from the real
// frameworks, per framework, and which files moved from their stated verdict; and which compared cells
// are bit-exact or exact up to the declared op error.

import type { ConformanceReport } from '../../runner/result.js';
import { RECORDINGS_INTRO, recordingsHeader, recordingsLine, recordingsRows } from '../recordings-table.js';
import { exactnessLines } from '../exactness.js';
import { html, type RawHtml } from './escape.js';

/** Which compared cells of each adapter are bit-exact and which only exact up to the declared op error. */
export function renderExactness(report: ConformanceReport): RawHtml {
  const lines = exactnessLines(report);
  if (lines.length === 0) return html``;
  return html`<h3>Exactness</h3><p class="small muted">Bit-exact: the reference's bits everywhere. Exact up to the declared op error: every step reproduced once the ops the claimed profile declares inexact may be off by their measured bound (neither bit-exact nor a failure).</p><ul id="exactness">${lines.map((l) => html`<li>${l}</li>`)}</ul>`;
}

export function renderRecordingsSection(report: ConformanceReport): RawHtml {
  const r = report.recordings;
  if (!r)
    return html`<p class="muted">Not replayed in this run (select it with <code>--suites recordings</code>; sharded runs leave it out).</p>`;
  const [header, ...rows] = [recordingsHeader(), ...recordingsRows(r)];
  const moved =
    r.moved.length === 0
      ? ''
      : html`<div class="banner bad">${r.moved.length} recording${r.moved.length === 1 ? '' : 's'} left the stated verdict:</div><ul>${r.moved.map((m) => html`<li>${m.file}: stated ${m.expected}, now ${m.actual}</li>`)}</ul>`;
  return html`<p class="small muted">${RECORDINGS_INTRO}</p>
<p>${recordingsLine(r)}</p>
${moved}
<table class="recordings"><thead><tr>${header.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${row.map((x, i) => (i === 0 ? html`<td>${x}</td>` : html`<td class="num">${x}</td>`))}</tr>`)}</tbody></table>`;
}
