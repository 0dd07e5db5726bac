/**
 * The usage handling every command shares: a parse error is printed with the usage (exit 2), and
 * `--help`/`-h` prints the usage (exit 0). Otherwise the parsed arguments come back. (Files starting
 * with `_` are not commands: bin/fairlisten.ts skips them.)
 */
export function parseOrUsage<T extends { values: { help?: boolean | undefined } }>(
  parse: () => T,
  usage: string,
): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage);
    return 0;
  }
  return parsed;
}
