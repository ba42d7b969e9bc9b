// Go's text/tabwriter, which kubectl prints everything through. Cells are tab-terminated; a
// column is aligned over each block of consecutive lines that have a cell in it, as wide as the
// block's widest cell plus padding (at least minWidth). The last cell of a line is not padded.
// `kubectl get` uses minWidth 6 and padding 3; `kubectl describe` minWidth 0 and padding 2.

const width = (s: string) => [...s].length;

/** Lays out lines of cells (the last cell of each line is its tail) with Go tabwriter rules. */
export function layoutCells(lines: string[][], minWidth: number, padding: number): string {
  const widths: number[][] = lines.map(() => []);
  const format = (from: number, to: number, col: number): void => {
    let i = from;
    while (i < to) {
      if (lines[i].length - 1 <= col) {
        i++;
        continue;
      }
      let j = i;
      let w = 0;
      while (j < to && lines[j].length - 1 > col) {
        w = Math.max(w, width(lines[j][col]) + padding);
        j++;
      }
      w = Math.max(w, minWidth);
      for (let k = i; k < j; k++) widths[k][col] = w;
      format(i, j, col + 1);
      i = j;
    }
  };
  format(0, lines.length, 0);
  let out = '';
  lines.forEach((cells, i) => {
    for (let c = 0; c < cells.length; c++) {
      out += c < cells.length - 1 ? cells[c] + ' '.repeat(Math.max(0, widths[i][c] - width(cells[c]))) : cells[c];
    }
    out += '\n';
  });
  return out;
}

/** `kubectl get` layout of rows of cells. */
export function tabulate(rows: string[][]): string {
  return layoutCells(rows, 6, 3);
}

/** Widths remembered across writes, as `kubectl get -w` keeps them (tabwriter.RememberWidths). */
export class RememberingTable {
  private widths: number[] = [];

  /** Lays out rows, growing and remembering column widths. */
  write(rows: string[][]): string {
    for (const r of rows) r.slice(0, -1).forEach((c, i) => (this.widths[i] = Math.max(this.widths[i] ?? 6, width(c) + 3)));
    return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c + ' '.repeat(this.widths[i] - width(c)) : c)).join('') + '\n').join('');
  }
}

/** `kubectl describe` layout of text whose cells are separated by tabs. */
export function describeLayout(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
  return layoutCells(lines, 0, 2);
}
