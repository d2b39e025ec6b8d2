// @vitest-environment happy-dom
// The short en-GB wording of ages and dates the summary shows: relativeTime, formatDate and ageText.
import { describe, expect, it } from 'vitest';
import { ageText, formatDate } from '../../../renderer/src/summary/display-dates';
import { relativeTime } from '../../../renderer/src/summary/relative-time';

const NOW = new Date('2025-06-04T12:00:00Z');
const before = (milliseconds: number) => new Date(NOW.getTime() - milliseconds).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('relativeTime', () => {
  it.each([
    ['the same instant', before(0), 'just now'],
    ['59 seconds', before(59_000), 'just now'],
    ['1 minute', before(MINUTE), '1 min ago'],
    ['59 minutes', before(59 * MINUTE + 59_000), '59 min ago'],
    ['1 hour', before(HOUR), '1 h ago'],
    ['5 hours', before(5 * HOUR), '5 h ago'],
    ['23 hours 59 minutes', before(DAY - MINUTE), '23 h ago'],
    ['1 day', before(DAY), '1 day ago'],
    ['3 days', before(3 * DAY), '3 days ago'],
    ['13 days', before(13 * DAY), '13 days ago'],
    ['14 days', before(14 * DAY), '2 weeks ago'],
    ['59 days', before(59 * DAY), '8 weeks ago'],
    ['90 days', before(90 * DAY), '2 months ago'],
    ['400 days', before(400 * DAY), '1 year ago'],
    ['3 years', before(3 * 365.25 * DAY), '3 years ago'],
    ['2 minutes ahead (tolerated clock skew)', before(-2 * MINUTE), 'just now'],
    ['an hour ahead (clock skew)', before(-HOUR), 'in the future (check the device clock)'],
    ['an unreadable time', 'not a date', 'at an unknown time'],
    ['no time at all', undefined, 'at an unknown time'],
  ])('says %s as "%s"', (_label, from, expected) => {
    expect(relativeTime(from, NOW)).toBe(expected);
  });

  it('accepts a Date as well as an ISO string', () => {
    expect(relativeTime(new Date(NOW.getTime() - 3 * DAY), NOW)).toBe('3 days ago');
  });
});

describe('formatDate', () => {
  it.each([
    ['2024-02-01', '1 Feb 2024'],
    ['1948-03-14', '14 Mar 1948'],
    ['2024-02', 'Feb 2024'],
    ['2024', '2024'],
    ['2025-03-01T10:00:00Z', '1 Mar 2025'],
    // 23:30 UTC on 31 May is already 1 June in UK summer time.
    ['2025-05-31T23:30:00Z', '1 Jun 2025'],
  ])('shows %s as %s, with no time-zone shift for plain dates', (value, expected) => {
    expect(formatDate(value)).toBe(expected);
  });

  it('passes absent dates through as absent', () => {
    expect(formatDate(undefined)).toBeUndefined();
  });
});

describe('ageText', () => {
  it.each([
    ['1948-03-14', '2025-06-04', '77 years'],
    ['1948-06-05', '2025-06-04', '76 years'],
    ['2024-03-10', '2025-06-04', '14 months'],
    ['2025-05-01', '2025-06-04', '1 month'],
    ['2025-05-26', '2025-06-04', '9 days'],
  ])('born %s, on %s, is %s', (birthDate, on, expected) => {
    expect(ageText(birthDate, on)).toBe(expected);
  });

  it('gives no age for a missing or future birth date', () => {
    expect(ageText(undefined, '2025-06-04')).toBeUndefined();
    expect(ageText('2030-01-01', '2025-06-04')).toBeUndefined();
  });
});
