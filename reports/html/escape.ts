// HTML escaping for every string that comes from an adapter, a config, a case or another program:
// one function for text and attribute values alike, so no call site has to choose.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Control characters (NUL, ESC, the C1 range, DEL; not tab or newline) shown as visible `\x1B`
 * escapes: raw, they are invalid in HTML, move a terminal's cursor, or cut a workflow command short.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are escaped.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Safe in HTML text and in single- or double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return escapeControls(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A template tag that escapes every interpolated value; `raw()` marks already-built markup. */
export interface RawHtml {
  readonly __html: string;
}

export function raw(markup: string): RawHtml {
  return { __html: markup };
}

function isRaw(x: unknown): x is RawHtml {
  return typeof x === 'object' && x !== null && '__html' in x;
}

function piece(value: unknown): string {
  if (Array.isArray(value)) return value.map(piece).join('');
  if (isRaw(value)) return value.__html;
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** html`<td>${label}</td>` escapes label; arrays are concatenated; raw(...) passes markup through. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1];
  return raw(out);
}
