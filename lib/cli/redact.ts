/**
 * `fairlisten redact <in.wav> <out.wav> --range <from>-<to> [--range …] [--channel both|agent|customer] [--sha256]`
 *
 * Silences time ranges of a local recording (concern C9). The import graph stays tiny (node
 * built-ins and lambda/core/wav*, no zod, no AWS SDK) so a bundled copy starts in milliseconds.
 */
import { CHANNELS, type Channel, type TimeRange, WavError } from '../../lambda/core/wav';
import { RedactFileError, redactFile } from '../../lambda/core/wav-redact-file';
import { type Command, command, UsageError } from './_command';

const USAGE = `usage: fairlisten redact <in.wav> <out.wav> --range <from>-<to> [--range <from>-<to> …]
                        [--channel both|agent|customer] [--sha256]
  Silences each range (seconds, decimals allowed, end exclusive) and writes a new file.
  agent = right channel, customer = left channel (Amazon Connect layout); default both.
  --sha256 also prints the output's SHA-256 (hashed from the bytes as they are written).
  Exit 0 written, 1 the file or a range is refused (nothing written), 2 usage.
       fairlisten redact verify-proof --file <downloaded.wav> --proof <proof.json> [--key <key>]
  Checks a downloaded redacted recording against its redaction proof, offline (see --help there).`;

const SECONDS = String.raw`(\d+(?:\.\d+)?)`;
const RANGE = new RegExp(`^${SECONDS}-${SECONDS}$`);

/** Parses `12.5-30` into seconds; the core checks order and bounds against the file. */
export function parseRange(text: string): TimeRange {
  const m = RANGE.exec(text.trim());
  if (!m)
    throw new UsageError(
      `bad --range ${JSON.stringify(text)}: expected <from>-<to> in seconds, e.g. 12.5-30`,
    );
  return { from: Number(m[1]), to: Number(m[2]) };
}

function parseChannel(text: string | undefined): Channel {
  const c = text ?? 'both';
  if (!(CHANNELS as readonly string[]).includes(c)) {
    throw new UsageError(`unknown --channel ${JSON.stringify(c)}: expected one of ${CHANNELS.join(', ')}`);
  }
  return c as Channel;
}

/** Seconds for people: at most three decimals from 1 s up, three significant digits below. */
export function formatSeconds(s: number): string {
  if (s === 0) return '0';
  return s >= 1 ? s.toFixed(3).replace(/\.?0+$/, '') : String(Number(s.toPrecision(3)));
}

const redactFileCommand = command({
  name: 'redact',
  usage: USAGE,
  positionals: 2,
  options: {
    range: { type: 'string', multiple: true },
    channel: { type: 'string' },
    sha256: { type: 'boolean' },
  },
  async run(values, positionals) {
    if (positionals.length !== 2) throw new UsageError('expected exactly two files: <in.wav> <out.wav>');
    const [inPath, outPath] = positionals as [string, string];
    const rangeTexts = (values.range as string[] | undefined) ?? [];
    if (rangeTexts.length === 0) throw new UsageError('at least one --range <from>-<to> is required');
    const ranges = rangeTexts.map(parseRange);
    const channel = parseChannel(values.channel as string | undefined);
    try {
      const sha256 = values.sha256 === true;
      const r = await redactFile(inPath, outPath, ranges, channel, { sha256 });
      const seconds = formatSeconds(r.framesSilenced / r.layout.format.sampleRate);
      console.log(
        `redacted ${outPath}: ${r.framesSilenced} frames (${seconds} s) silenced on ${channel} in ` +
          `${ranges.length} range(s)${sha256 ? `; sha256 ${r.sha256}` : ''}`,
      );
      return 0;
    } catch (err) {
      if (err instanceof WavError || err instanceof RedactFileError) {
        const what = err.message.includes(inPath) ? err.message : `${inPath}: ${err.message}`;
        console.error(`fairlisten redact: ${what} (${err.code})`);
        return 1;
      }
      throw err;
    }
  },
});
/** `redact verify-proof …` is its own small command, loaded only when asked for. */
export const cli: Command = {
  name: redactFileCommand.name,
  usage: redactFileCommand.usage,
  run: async (argv) =>
    argv[0] === 'verify-proof'
      ? (await import('./_redact-verify-proof')).run(argv.slice(1))
      : redactFileCommand.run(argv),
};
export const run = cli.run;
