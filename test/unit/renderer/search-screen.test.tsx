// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TooManyMatchesError, type SearchHit } from '../../../sync/store';
import { INVALID_CHECK_DIGIT, SearchScreen } from '../../../renderer/src/screens/search-screen';

const NOW = new Date('2026-06-01T12:00:00Z');
const icbNames = { QT1: 'Trentside ICB', QJ2: 'Derwent Valley ICB' };

const alice: SearchHit = {
  nhsNumber: '9434765919',
  displayName: 'Alice SMITH',
  birthDate: '1954-03-07',
  postcode: 'NG7 2RD',
  restricted: false,
  deceased: false,
  sources: [
    { icb: 'QT1', key: 'k1' },
    { icb: 'QJ2', key: 'k2' },
  ],
};
const bob: SearchHit = {
  nhsNumber: '9000000009',
  displayName: "Bob O'Neill",
  birthDate: '1940-01-01',
  postcode: 'DE1 1AA',
  restricted: true,
  deceased: true,
  sources: [{ icb: 'QJ2', key: 'k3' }],
};

function fakeStore(results: Record<string, readonly SearchHit[]>) {
  return { search: vi.fn((query: string) => Promise.resolve([...(results[query.trim()] ?? [])])) };
}

function Harness({
  store,
  onOpen = () => undefined,
}: {
  store: ReturnType<typeof fakeStore>;
  onOpen?: (hit: SearchHit) => void;
}) {
  const [query, setQuery] = useState('');
  return (
    <SearchScreen
      store={store}
      icbNames={icbNames}
      query={query}
      onQueryChange={setQuery}
      onOpen={onOpen}
      now={NOW}
      debounceMs={0}
    />
  );
}

function type(text: string): void {
  fireEvent.change(screen.getByLabelText('Search patients'), { target: { value: text } });
}

afterEach(() => {
  cleanup();
});

describe('SearchScreen', () => {
  it('has one search box labelled exactly "Search patients"', () => {
    render(<Harness store={fakeStore({})} />);
    expect(screen.getByRole('searchbox', { name: 'Search patients' })).toBeTruthy();
  });

  it('finds by NHS number typed with spaces and shows name, DOB and age, formatted NHS number, postcode, sources', async () => {
    const store = fakeStore({ '943 476 5919': [alice] });
    render(<Harness store={store} />);
    type('943 476 5919');
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(results.textContent).toContain('Alice SMITH');
    expect(results.textContent).toContain('7 Mar 1954 (age 72)');
    expect(results.textContent).toContain('943 476 5919');
    expect(results.textContent).toContain('NG7 2RD');
    expect(results.textContent).toContain('From Trentside ICB and Derwent Valley ICB');
    expect(store.search).toHaveBeenLastCalledWith('943 476 5919');
  });

  it('finds by NHS number typed without spaces', async () => {
    render(<Harness store={fakeStore({ '9434765919': [alice] })} />);
    type('9434765919');
    expect((await screen.findByRole('list', { name: 'Search results' })).textContent).toContain(
      '943 476 5919',
    );
  });

  it('says an NHS number with a wrong check digit is not valid, without searching', async () => {
    const store = fakeStore({});
    render(<Harness store={store} />);
    type('943 476 5918');
    expect(await screen.findByText(INVALID_CHECK_DIGIT)).toBeTruthy();
    expect(INVALID_CHECK_DIGIT).toBe('That NHS number is not valid: check digit');
    expect(store.search).not.toHaveBeenCalled();
  });

  it('does not call a half-typed NHS number an error', async () => {
    const store = fakeStore({});
    render(<Harness store={store} />);
    type('943 47');
    expect(await screen.findByText('5 of the 10 digits of an NHS number')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks for more of a name that matches too many patients, without calling it an error', async () => {
    const store = { search: vi.fn(() => Promise.reject(new TooManyMatchesError(1250))) };
    render(<Harness store={store} />);
    type('oli');
    expect(
      await screen.findByText(
        'About 1,250 patients match. Type more of the name, or add a date of birth (Smith 07/03/1954).',
      ),
    ).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('finds by name and date of birth', async () => {
    const store = fakeStore({ 'smith 07/03/1954': [alice] });
    render(<Harness store={store} />);
    type('smith 07/03/1954');
    expect((await screen.findByRole('list', { name: 'Search results' })).textContent).toContain(
      'Alice SMITH',
    );
  });

  it('finds by postcode and marks deceased and restricted records', async () => {
    render(<Harness store={fakeStore({ 'DE1 1AA': [bob] })} />);
    type('DE1 1AA');
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(results.textContent).toContain("Bob O'Neill");
    expect(results.textContent).toContain('Deceased');
    expect(results.textContent).toContain('Restricted record');
  });

  it('says when nothing is found', async () => {
    render(<Harness store={fakeStore({})} />);
    type('Nobody 01/01/1901');
    expect(await screen.findByText('No patients found on this device for “Nobody 01/01/1901”.')).toBeTruthy();
  });

  it('opens the summary of the result that is clicked', async () => {
    const onOpen = vi.fn();
    render(<Harness store={fakeStore({ NG7: [alice] })} onOpen={onOpen} />);
    type('NG7');
    const results = await screen.findByRole('list', { name: 'Search results' });
    const button = results.querySelector('button');
    if (button === null) throw new Error('no result button');
    fireEvent.click(button);
    expect(onOpen).toHaveBeenCalledWith(alice);
  });
});
