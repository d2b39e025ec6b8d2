// The night-theme switch, on the home and settings screens.
import type { Theme } from '../theme';

export function ThemeToggle({ theme, onChange }: { theme: Theme; onChange: (theme: Theme) => void }) {
  const night = theme === 'night';
  return (
    <button
      type="button"
      className="nhsuk-button nhsuk-button--secondary kb-theme-toggle"
      aria-pressed={night}
      onClick={() => {
        onChange(night ? 'day' : 'night');
      }}
    >
      Night theme
      {/* The state is announced by aria-pressed; the words are for sighted crews. */}
      <span aria-hidden="true" className="kb-theme-toggle__state">
        {night ? ': on' : ': off'}
      </span>
    </button>
  );
}
