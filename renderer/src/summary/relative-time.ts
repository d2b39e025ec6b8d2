// "5 h ago", "3 days ago": how old cached data is, in the short en-GB words the summary's source lines use.
//
// No library (and not Intl.RelativeTimeFormat): the wording must be short enough to read at a glance
// ("5 h ago", not "5 hours ago" or "yesterday"), identical on every device whatever ICU data the
// runtime ships, and testable offline; a dozen lines of arithmetic do that with nothing to bundle or audit.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** A small tolerance for clock skew between this device and the servers before we call a time future. */
const FUTURE_TOLERANCE = 5 * MINUTE;

export const MILLISECONDS_PER_HOUR = HOUR;
export const MILLISECONDS_PER_DAY = DAY;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Parses an ISO instant or date; undefined for anything unparseable. */
export function parseInstant(value: string | Date | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * How long before `now` the instant `from` was, in short en-GB words: "just now", "12 min ago", "5 h ago",
 * "1 day ago", "3 weeks ago", "4 months ago", "2 years ago". A time well in the future (clock skew) says so
 * rather than pretending to be fresh; an unreadable time says "at an unknown time".
 */
export function relativeTime(from: string | Date | undefined, now: Date): string {
  const instant = parseInstant(from);
  if (instant === undefined) return 'at an unknown time';
  const elapsed = now.getTime() - instant.getTime();
  if (elapsed < -FUTURE_TOLERANCE) return 'in the future (check the device clock)';
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  if (elapsed < 2 * WEEK) return `${plural(Math.floor(elapsed / DAY), 'day', 'days')} ago`;
  if (elapsed < 60 * DAY) return `${plural(Math.floor(elapsed / WEEK), 'week', 'weeks')} ago`;
  const months = Math.floor(elapsed / (30.44 * DAY));
  if (months < 12) return `${plural(months, 'month', 'months')} ago`;
  return `${plural(Math.floor(elapsed / (365.25 * DAY)), 'year', 'years')} ago`;
}
