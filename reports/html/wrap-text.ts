// Chart titles wrapped by hand: vega draws each subtitle line as given.

/**
 * Splits text into lines of at most about `width` characters at spaces: vega sizes the SVG to fit the
 * title, so one long subtitle line would widen (and, scaled to the page, shrink) the whole chart.
 */
export function wrapText(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  // A word longer than a line (a path, a hostile label) is cut into line-sized pieces.
  const words = text.split(/\s+/).flatMap((w) => w.match(new RegExp(`.{1,${width}}`, 'gu')) ?? []);
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
