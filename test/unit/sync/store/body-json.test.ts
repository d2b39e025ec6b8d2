// A body made from the resources' own JSON text reads back as the one `JSON.stringify` would have made,
// whatever whitespace or escapes the text holds, with or without a summary, and with some texts unknown.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidWriteError } from '../../../../sync/store';
import { encodeBody } from '../../../../sync/store/body-json';
import { OpenStores, patientWrite, uniqueName } from './store-fixtures';

const encoder = new TextEncoder();
const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

describe('encodeBody', () => {
  it('equals JSON.stringify of { summary, raw } in value, however each resource was written', () => {
    const resource = fc.dictionary(fc.string(), fc.jsonValue());
    // The ways one JSON text can differ from JSON.stringify's: spacing, a line's \r, escaped characters.
    const textOf = (value: object, style: number): string => {
      const plain = JSON.stringify(value);
      if (style === 1) return JSON.stringify(value, null, 2);
      if (style === 2) return `${plain}\r`;
      if (style === 3)
        return plain.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      return plain;
    };
    fc.assert(
      fc.property(
        fc.option(fc.jsonValue(), { nil: undefined }),
        fc.array(fc.tuple(resource, fc.integer({ min: 0, max: 4 })), { maxLength: 8 }),
        (summary, resources) => {
          const raw = resources.map(([value]) => value);
          // Style 4: the text is not known, so that resource is serialised.
          const rawJson = resources.map(([value, style]) =>
            style === 4 ? undefined : encoder.encode(textOf(value, style)),
          );
          const expected = JSON.parse(JSON.stringify({ summary, raw })) as unknown;
          expect(decode(encodeBody({ summary, raw, rawJson }))).toEqual(expected);
          expect(decode(encodeBody({ summary, raw }))).toEqual(expected);
        },
      ),
    );
  });

  it('stores the texts given, and reads them back as the resources', async () => {
    const store = await stores.open({ name: uniqueName('raw-json') });
    const write = patientWrite({ patientId: 'p1', family: 'Ashworth', given: 'Alice' });
    const rawJson = write.raw.map((resource) => encoder.encode(` ${JSON.stringify(resource, null, 1)}\r`));
    await store.commit({
      icb: 'QWE',
      upserts: [{ ...write, rawJson }],
      deletes: [],
      quarantine: [],
      checkpoint: 1,
    });
    expect((await store.readRecords('QWE', ['p1'])).get('p1')?.raw).toEqual(write.raw);
  });

  it('refuses a write whose texts do not pair with its resources, and stores nothing', async () => {
    const store = await stores.open({ name: uniqueName('raw-json-mismatch') });
    const write = patientWrite({ patientId: 'p1', family: 'Ashworth', given: 'Alice' });
    await expect(
      store.commit({
        icb: 'QWE',
        upserts: [{ ...write, rawJson: [...write.raw.map(() => undefined), undefined] }],
        deletes: [],
        quarantine: [],
        checkpoint: 1,
      }),
    ).rejects.toBeInstanceOf(InvalidWriteError);
    expect((await store.counts()).patients).toBe(0);
  });
});
