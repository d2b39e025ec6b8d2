// What a builder needs while writing one person into one ICB's record: the directory, the person,
// a stream of ids for this record, and shared helpers for dates and references.
import type { Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import type { DirectoryPractice, IcbDirectory } from './directory';
import { isoDate, isoDateTime, isoInstant, reference } from './fhir-helpers';
import type { PersonPlan } from './person';
import { deriveSeed, hashString, Random } from './random';

/** `primary` is the registered ICB's full record; `secondary` is another ICB's older, thinner copy. */
export type RecordVariant = 'primary' | 'secondary';

export class RecordContext {
  readonly patientId: string;
  readonly patient: Reference<Patient>;

  constructor(
    readonly person: PersonPlan,
    readonly directory: IcbDirectory,
    readonly practice: DirectoryPractice,
    readonly variant: RecordVariant,
    readonly referenceDay: number,
    /** Ids for this record only, so the same person gets different ids in each ICB. */
    readonly ids: Random,
  ) {
    this.patientId = ids.uuid();
    this.patient = reference<Patient>('Patient', this.patientId);
  }

  /** A generator for one kind of content; the same in every record of the person, whatever else is drawn. */
  content(stream: string): Random {
    return new Random(deriveSeed(this.person.contentSeed, hashString(stream)));
  }

  /** One of the practice's GPs. */
  gp(random: Random): Reference<Practitioner> {
    return random.pick(this.practice.practitioners);
  }

  /** A day in the person's life, at most `daysBack` before their last day (today, or their death). */
  dayWithin(random: Random, daysBack: number): number {
    const earliest = Math.max(this.person.birthDay, this.person.lastDay - daysBack);
    return random.int(earliest, this.person.lastDay);
  }

  date(day: number): string {
    return isoDate(day);
  }

  dateTime(random: Random, day: number): string {
    return isoDateTime(day, random.int(8 * 60, 20 * 60));
  }

  /** meta.lastUpdated: when the record last changed, never after the reference date. */
  lastUpdated(day: number): string {
    return isoInstant(Math.min(day, this.referenceDay), 7 * 60 + (day % 600));
  }
}
