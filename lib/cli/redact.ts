/**
 * `fairlisten redact <in.wav> <out.wav> --range <from>-<to> [--range …] [--channel both|agent|customer]`
 *
 * Silences time ranges of a local recording (concern C9). The import graph stays tiny (node
 * built-ins and lambda/core/wav*, no zod, no AWS SDK) so a bundled copy starts in milliseconds.
 */
import { parseArgs } from 'node:util';
import { CHANNELS, type Channel, type TimeRange, WavError } from '../../lambda/core/wav';
import { RedactFileError, redactFile } from '../../lambda/core/wav-redact-file';

const USAGE = `usage: fairlisten redact <in.wav> <out.wav> --range <from>-<to> [--range <from>-<to> …]
                        [--channel both|agent|customer]
  Silences each range (seconds, decimals allowed, end exclusive) and writes a new file.
  agent = right channel, customer = left channel (Amazon Connect layout); default both.`;

class UsageError extends Error {}

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

export async function run(argv: string[]): Promise<number> {
  let inPath: string;
  let outPath: string;
  let ranges: TimeRange[];
  let channel: Channel;
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        range: { type: 'string', multiple: true },
        channel: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length !== 2) throw new UsageError('expected exactly two files: <in.wav> <out.wav>');
    [inPath, outPath] = positionals as [string, string];
    if (!values.range?.length) throw new UsageError('at least one --range <from>-<to> is required');
    ranges = values.range.map(parseRange);
    channel = parseChannel(values.channel);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    console.error(`fairlisten redact: ${msg}\n${USAGE}`);
    return 2;
  }
  try {
    const r = await redactFile(inPath, outPath, ranges, channel, { sha256: true });
    const seconds = r.framesSilenced / r.layout.format.sampleRate;
    console.log(
      `redacted ${outPath}: ${r.framesSilenced} frames (${seconds} s) silenced on ${channel} in ` +
        `${ranges.length} range(s); sha256 ${r.sha256}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof WavError || err instanceof RedactFileError) {
      console.error(`fairlisten redact: ${err.code}: ${err.message}`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && typeof e.message === 'string') {
      console.error(`fairlisten redact: ${e.code}: ${e.message}`);
      return 1;
    }
    throw err;
  }
}
