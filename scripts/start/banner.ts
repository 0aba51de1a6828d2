// The short table `npm start` prints once everything answers.
export interface BannerRow {
  part: string;
  url: string;
}

export function banner(rows: BannerRow[], notes: string[]): string {
  const width = Math.max(...rows.map((r) => r.part.length));
  const lines = rows.map((r) => `  ${r.part.padEnd(width)}  ${r.url}`);
  return [
    "",
    "Tributary is running:",
    ...lines,
    "",
    ...notes.map((n) => `  ${n}`),
    "",
    "Ctrl-C stops everything.",
    "",
  ].join("\n");
}
