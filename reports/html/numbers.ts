// The page prints numbers with the harness's one set of formatters (runner/number-format.ts).
export {
  formatFixed,
  formatGap,
  formatInDtype,
  formatMs,
  formatPercent,
  formatSize,
  formatUlps,
  formatUlps as formatUlp,
  formatValue,
  numeric,
} from '../../runner/number-format.js';
