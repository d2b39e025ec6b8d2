// How the screens write dates, ages, durations and sizes: in the words a crew reads at a glance.
import { ageOn } from '../../sync/age';

export { ageOn } from '../../sync/age';
export { formatNhsNumber } from '../../sync/nhs-number';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `1954-03-07` -> `7 Mar 1954`; partial dates (`1954`, `1954-03`) as far as they go. */
export function formatDate(date: string): string {
  const [year, month, day] = date.slice(0, 10).split('-');
  const monthName = month === undefined ? undefined : MONTHS[Number(month) - 1];
  if (year === undefined || monthName === undefined) return year ?? date;
  return day === undefined ? `${monthName} ${year}` : `${Number(day)} ${monthName} ${year}`;
}

/** `7 Mar 1954 (age 71)`; babies under two in months would need more; years are enough here. */
export function formatBirthDateAndAge(birthDate: string | undefined, now: Date): string {
  if (birthDate === undefined) return 'Date of birth not recorded';
  const age = ageOn(birthDate, now);
  return age === undefined ? formatDate(birthDate) : `${formatDate(birthDate)} (age ${age})`;
}

/** `just now`, `5 min ago`, `3 hours ago`, `2 days ago`. */
export function formatAge(iso: string, now: Date): string {
  const seconds = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return 'at an unknown time';
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** Seconds as `45 s`, `3 min`, `1 h 20 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'GB'}`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-GB');
}
