// The blue NHS-style header with the places a crew goes: home, search, the outbox of notes, settings.
export type Place = 'home' | 'search' | 'outbox' | 'settings';

const PLACES: readonly { readonly place: Place; readonly label: string }[] = [
  { place: 'home', label: 'Home' },
  { place: 'search', label: 'Search' },
  { place: 'outbox', label: 'Outbox' },
  { place: 'settings', label: 'Settings' },
];

export function AppHeader({
  current,
  onNavigate,
  callsign,
}: {
  current: Place | undefined;
  onNavigate?: (place: Place) => void;
  callsign?: string;
}) {
  return (
    <header className="kb-header">
      <div className="kb-header__bar">
        <h1 className="kb-header__title">Kerbside</h1>
        {callsign !== undefined && <span className="kb-header__callsign">{callsign}</span>}
      </div>
      {onNavigate !== undefined && (
        <nav aria-label="Main" className="kb-nav">
          {PLACES.map(({ place, label }) => (
            <button
              key={place}
              type="button"
              className="kb-nav__item"
              aria-current={current === place ? 'page' : undefined}
              onClick={() => {
                onNavigate(place);
              }}
            >
              {label}
            </button>
          ))}
        </nav>
      )}
    </header>
  );
}
