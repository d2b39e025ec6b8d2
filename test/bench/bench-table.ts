// Result rows shared by every benchmark, and a plain-text table printer for `npm run bench`.

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) {
    return value.toLocaleString('en-GB');
  }
  return value >= 100 ? Math.round(value).toLocaleString('en-GB') : value.toFixed(2);
}

/** Prints rows as an aligned table: measure, value, unit, note (under an optional title). */
export function printTable(rows: readonly BenchRow[], title?: string): void {
  const cells = rows.map((row) => [row.name, formatValue(row.value), row.unit, row.note ?? '']);
  const header = ['measure', 'value', 'unit', 'note'];
  const widths = header.map((heading, column) =>
    Math.max(heading.length, ...cells.map((cell) => (cell[column] ?? '').length)),
  );
  const line = (cell: readonly string[]): string =>
    cell
      .map((text, column) =>
        column === 1 ? text.padStart(widths[column] ?? 0) : text.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  if (title !== undefined) {
    console.log(`\n${title}`);
  }
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const cell of cells) {
    console.log(line(cell));
  }
}
