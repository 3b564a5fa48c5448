/** Plain-text tables that are also valid Markdown. */

/** A titled block of the report: a table, notes, or both. */
export interface ReportSection {
  readonly title: string;
  readonly header?: readonly string[];
  readonly rows?: ReadonlyArray<readonly string[]>;
  /** Lines printed under the table (or alone, for a section without numbers). */
  readonly notes?: readonly string[];
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Renders a Markdown table whose columns are padded so it also reads well as plain text. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows].map((row) => header.map((_, index) => escapeCell(row[index] ?? "")));
  const widths = header.map((_, index) => Math.max(3, ...all.map((row) => row[index]?.length ?? 0)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 3)).join(" | ")} |`;
  const [head, ...body] = all;
  return [line(head ?? []), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

/** Renders one section: its title as a Markdown heading, then its table and notes. */
export function renderSection(section: ReportSection): string {
  const parts = [`### ${section.title}`, ""];
  if (section.header && section.rows) parts.push(renderTable(section.header, section.rows), "");
  for (const note of section.notes ?? []) parts.push(note);
  if (section.notes?.length) parts.push("");
  return parts.join("\n");
}
