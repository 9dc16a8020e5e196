// A small terminal emulator for tests of what binwheel draws on a terminal: replays the output
// and returns the rows left on screen.

/** The screen after `output`: carriage return, newline, cursor up (ESC[nA), erase below (ESC[J), erase line (ESC[K); colours ignored. */
export function screen(output: string): string[] {
  const rows: string[] = [""];
  let row = 0;
  let col = 0;
  for (let i = 0; i < output.length; i++) {
    const c = output[i]!;
    if (c === "\x1b") {
      const m = /^\x1b\[\??([\d;]*)([A-Za-z])/.exec(output.slice(i))!;
      i += m[0].length - 1;
      if (m[2] === "A") row = Math.max(0, row - Number(m[1] || 1));
      else if (m[2] === "J") {
        rows[row] = rows[row]!.slice(0, col);
        rows.length = row + 1;
      } else if (m[2] === "K") rows[row] = rows[row]!.slice(0, col);
    } else if (c === "\r") col = 0;
    else if (c === "\n") {
      row++;
      col = 0;
      rows[row] ??= "";
    } else {
      const line = rows[row]!.padEnd(col);
      rows[row] = line.slice(0, col) + c + line.slice(col + 1);
      col++;
    }
  }
  return rows.slice(0, rows[rows.length - 1] === "" ? -1 : undefined);
}
