import { REPORT_SLOT_MS } from '@ricochet/persistence';

/** Letters first, then the characters of tz database names (`America/Argentina/Buenos_Aires`, `Etc/GMT+5`). */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * The runtime's name for an IANA time zone (`europe/berlin` → `Europe/Berlin`, `Etc/UTC` → `UTC`), or
 * undefined when it is not a zone name the runtime knows. Raw offsets (`+01:00`) are not zone names.
 */
export function resolveTimeZone(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Wall-clock fields of an instant in a zone, and the zone's UTC offset then. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** UTC offset in minutes (Berlin in summer: 120; fractional for a few offsets before 1972). */
  offsetMinutes: number;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `+02:00`, `-04:00`, `+05:45`, `+00:00` (and `-00:44:30` for the odd historical offset). */
export function formatOffset(minutes: number): string {
  const seconds = Math.round(Math.abs(minutes) * 60);
  const hhmm = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}`;
  return `${minutes < 0 ? '-' : '+'}${hhmm}${seconds % 60 === 0 ? '' : `:${pad(seconds % 60)}`}`;
}

/** Reads wall-clock time in one zone with `Intl.DateTimeFormat` (the tz database the runtime ships). */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'longOffset',
    });
  }

  at(ms: number): LocalTime {
    const fields: Record<string, string> = {};
    for (const part of this.format.formatToParts(ms)) fields[part.type] = part.value;
    return {
      year: Number(fields.year),
      month: Number(fields.month),
      day: Number(fields.day),
      hour: Number(fields.hour),
      minute: Number(fields.minute),
      second: Number(fields.second),
      offsetMinutes: parseOffset(fields.timeZoneName ?? 'GMT'),
    };
  }

  /** The local calendar day of an instant: `2026-03-29`. */
  day(ms: number): string {
    const local = this.at(ms);
    return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
  }

  /**
   * The local hour of an instant with the offset in force: `2026-10-25T02:00:00+02:00`. The offset tells
   * the two 02:00 hours of a night that turns the clocks back apart.
   */
  hour(ms: number): string {
    const local = this.at(ms);
    return (
      `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:00:00` +
      formatOffset(local.offsetMinutes)
    );
  }

  /**
   * The instant a wall-clock time names in this zone, resolved like Temporal's `compatible`: a time
   * that happens twice (clocks turned back) is the earlier one; a time skipped by turning clocks forward
   * is read with the offset before the change (02:30 in Berlin on 2026-03-29 is 03:30 CEST).
   */
  instant(wall: Omit<LocalTime, 'offsetMinutes'> & { millisecond?: number }): number {
    const naive = Date.UTC(
      wall.year,
      wall.month - 1,
      wall.day,
      wall.hour,
      wall.minute,
      wall.second,
      wall.millisecond ?? 0,
    );
    // Offsets a day either side cover both sides of any one change of offset near this time.
    const before = this.at(naive - 86_400_000).offsetMinutes;
    const after = this.at(naive + 86_400_000).offsetMinutes;
    const candidates = [naive - before * 60_000, naive - after * 60_000].filter(
      (ms) => this.wallClock(ms) === naive,
    );
    return candidates.length > 0 ? Math.min(...candidates) : naive - before * 60_000;
  }

  private wallClock(ms: number): number {
    const local = this.at(ms);
    return (
      Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) +
      (((ms % 1000) + 1000) % 1000)
    );
  }
}

function parseOffset(name: string): number {
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!match) throw new Error(`unexpected time zone offset "${name}"`);
  if (!match[1]) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]) + Number(match[4] ?? 0) / 60;
  return match[1] === '-' ? -minutes : minutes;
}

export type TimeBucket = 'day' | 'hour';

/**
 * Labels UTC quarter-hour slots with the local day or hour they lie in. A slot that would straddle two
 * local buckets (only possible with the offsets that were not whole quarter hours, which no zone has used since 1980) is refused
 * rather than put in the wrong one.
 */
export class SlotLabeller {
  private readonly clock: ZoneClock;
  /** Slices of one slot arrive together (clicks, each currency, deliveries): label each slot once. */
  private last?: { slot: number; label: string };

  constructor(
    zone: string,
    private readonly bucket: TimeBucket,
  ) {
    this.clock = new ZoneClock(zone);
  }

  label(slotStart: number): string {
    if (this.last?.slot === slotStart) return this.last.label;
    const first = this.of(slotStart);
    const last = this.of(slotStart + REPORT_SLOT_MS - 1);
    if (first !== last) {
      throw new Error(
        `the ${this.bucket} buckets of ${this.clock.zone} do not start on a UTC quarter hour near ` +
          `${new Date(slotStart).toISOString()}; report that range in UTC`,
      );
    }
    this.last = { slot: slotStart, label: first };
    return first;
  }

  private of(ms: number): string {
    return this.bucket === 'day' ? this.clock.day(ms) : this.clock.hour(ms);
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+ -]\d{2}:?\d{2})?$/i;

/**
 * What `from`/`to` accept: a calendar date, or a date-time with or without an offset. A space stands
 * for `+`: an unencoded `+` in a query string arrives as one.
 */
export const RANGE_BOUND_PATTERN =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+ -]\d{2}:?\d{2})?)?$/i;

/**
 * A range bound as an instant. A date-time with `Z` or an offset is that instant; a date-time without
 * one, or a bare date (its local midnight), is read as wall-clock time in `zone`. Undefined for a
 * value that is not a real calendar date and time (`2026-02-30`, `24:00`).
 */
export function parseRangeBound(value: string, zone: string): Date | undefined {
  const date = DATE_ONLY.exec(value);
  const dateTime = date ? undefined : DATE_TIME.exec(value);
  const fields = date ?? dateTime;
  if (!fields) return undefined;
  const wall = {
    year: Number(fields[1]),
    month: Number(fields[2]),
    day: Number(fields[3]),
    hour: dateTime ? Number(dateTime[4]) : 0,
    minute: dateTime ? Number(dateTime[5]) : 0,
    second: dateTime?.[6] ? Number(dateTime[6]) : 0,
    millisecond: dateTime?.[7] ? Number(dateTime[7].padEnd(3, '0')) : 0,
  };
  const check = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  if (
    check.getUTCFullYear() !== wall.year ||
    check.getUTCMonth() !== wall.month - 1 ||
    check.getUTCDate() !== wall.day ||
    check.getUTCHours() !== wall.hour ||
    check.getUTCMinutes() !== wall.minute ||
    check.getUTCSeconds() !== wall.second
  ) {
    return undefined;
  }
  const offset = dateTime?.[8];
  if (offset === undefined) return new Date(new ZoneClock(zone).instant(wall));
  const naive = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second,
    wall.millisecond,
  );
  if (offset.toUpperCase() === 'Z') return new Date(naive);
  const sign = offset.startsWith('-') ? -1 : 1;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(-2));
  if (hours > 23 || minutes > 59) return undefined;
  return new Date(naive - sign * (hours * 60 + minutes) * 60_000);
}
