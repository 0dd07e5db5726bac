/**
 * The time profile of the month's decisions (report §9), pure.
 */
/** One bin of the time profile: the calls in it (a transferred call once), and those recorded. */
export interface TimeBin {
  calls: number;
  recorded: number;
}

/**
 * When recording happens against when calls happen (C2, C6): the period's calls by week of the
 * period (days 1–7, 8–14, 15–21, 22–28, 29 to the end, local days in the policy time zone) and by
 * local hour of the day. With a fair sample, each bin's share of the recordings follows its share of
 * the calls, and the recorded share is the same in every bin.
 */
export interface TimeProfile {
  /** Five bins: weeks 1–4 and the rest of the month (days 29+). */
  weeks: TimeBin[];
  /** 24 bins, local hours 0–23. */
  hours: TimeBin[];
}

const localClock = new Map<string, Intl.DateTimeFormat>();

function localDayAndHour(iso: string, timezone: string): { day: number; hour: number } {
  let f = localClock.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      day: 'numeric',
      hour: 'numeric',
      hourCycle: 'h23',
    });
    localClock.set(timezone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { day: Number(parts.day), hour: Number(parts.hour) };
}

export function recordingTimeProfile(
  decisions: readonly { decidedAt: string; recorded: boolean }[],
  timezone: string,
): TimeProfile {
  const bins = (n: number): TimeBin[] => Array.from({ length: n }, () => ({ calls: 0, recorded: 0 }));
  const weeks = bins(5);
  const hours = bins(24);
  for (const d of decisions) {
    const { day, hour } = localDayAndHour(d.decidedAt, timezone);
    const w = weeks[Math.min(4, Math.floor((day - 1) / 7))]!;
    const h = hours[hour]!;
    w.calls++;
    h.calls++;
    if (d.recorded) {
      w.recorded++;
      h.recorded++;
    }
  }
  return { weeks, hours };
}
