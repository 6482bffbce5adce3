// Colours that stay with a name across every chart of the page (an adapter is the same colour in
// each divergence plot), from a 20-colour categorical palette (Tableau 20).

const TABLEAU20 = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#a0cbe8',
  '#ffbe7d',
  '#ff9d9a',
  '#86bcb6',
  '#8cd17d',
  '#f1ce63',
  '#d4a6c8',
  '#fabfd2',
  '#d7b5a6',
  '#79706e',
] as const;

/** Assigns colours in the order the names are given; past 20 names the colours repeat. */
export class Palette {
  private readonly colors = new Map<string, string>();

  constructor(names: readonly string[]) {
    for (const name of names) this.colorOf(name);
  }

  colorOf(name: string): string {
    let c = this.colors.get(name);
    if (c === undefined) {
      c = TABLEAU20[this.colors.size % TABLEAU20.length]!;
      this.colors.set(name, c);
    }
    return c;
  }

  /** A vega-lite colour scale for the given names only (legends then list just those). */
  scaleFor(names: readonly string[]): { domain: string[]; range: string[] } {
    return { domain: [...names], range: names.map((n) => this.colorOf(n)) };
  }
}
