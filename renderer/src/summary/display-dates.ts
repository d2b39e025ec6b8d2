// Clinical dates for the summary: FHIR dates and dateTimes as "14 Mar 1948" (no time-zone shift for a
// plain date), and a patient's age in the units a crew doses by (days, months, then years).
import { parseInstant } from './relative-time';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/;

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * A FHIR date (`2024`, `2024-02`, `2024-02-01`) or dateTime as en-GB words. Plain dates are read as written
 * (never through a Date, which would shift them across midnight); dateTimes are shown in UK time.
 */
export function formatDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const partial = PARTIAL_DATE.exec(value);
  if (partial !== null) {
    const [, year, month, day] = partial;
    const monthName = month === undefined ? undefined : MONTHS[Number(month) - 1];
    if (monthName === undefined) return year;
    return day === undefined ? `${monthName} ${year}` : `${Number(day)} ${monthName} ${year}`;
  }
  const instant = parseInstant(value);
  if (instant === undefined) return value;
  return instant.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'Europe/London',
  });
}

function calendarDate(value: string | Date): CalendarDate | undefined {
  if (value instanceof Date) {
    return { year: value.getFullYear(), month: value.getMonth() + 1, day: value.getDate() };
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (match === null) return undefined;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function wholeMonthsBetween(from: CalendarDate, to: CalendarDate): number {
  const months = (to.year - from.year) * 12 + (to.month - from.month);
  return to.day < from.day ? months - 1 : months;
}

/** Age on `on` (default: today) as "76 years", "14 months" (under two) or "9 days" (under a month). */
export function ageText(birthDate: string | undefined, on: string | Date): string | undefined {
  const birth = birthDate === undefined ? undefined : calendarDate(birthDate);
  const end = calendarDate(on);
  if (birth === undefined || end === undefined) return undefined;
  const months = wholeMonthsBetween(birth, end);
  if (months < 0) return undefined;
  if (months < 1) {
    const days = Math.round(
      (Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(birth.year, birth.month - 1, birth.day)) /
        86_400_000,
    );
    return `${days} ${days === 1 ? 'day' : 'days'}`;
  }
  if (months < 24) return `${months} ${months === 1 ? 'month' : 'months'}`;
  return `${Math.floor(months / 12)} years`;
}
