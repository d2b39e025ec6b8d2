// The day and night themes: `data-theme` on <html>, remembered on this device.
export type Theme = 'day' | 'night';

const STORAGE_KEY = 'kerbside-theme';

export function savedTheme(storage: Pick<Storage, 'getItem'> = localStorage): Theme {
  return storage.getItem(STORAGE_KEY) === 'night' ? 'night' : 'day';
}

export function applyTheme(
  theme: Theme,
  root: HTMLElement = document.documentElement,
  storage: Pick<Storage, 'setItem'> = localStorage,
): void {
  root.dataset.theme = theme;
  storage.setItem(STORAGE_KEY, theme);
}
