// The app shell: boots (profile, key, store), then hands over to the provisioned app; explains any failure.
import { useEffect, useState } from 'react';
import { boot, type BootState } from './boot';
import { AppHeader } from './components/app-header';
import { ReadyApp } from './ready-app';
import { applyTheme, savedTheme, type Theme } from './theme';

export function App() {
  const [state, setState] = useState<BootState>({ kind: 'loading' });
  const [theme, setTheme] = useState<Theme>(() => savedTheme());

  useEffect(() => {
    applyTheme(theme);
  }, [theme]);

  useEffect(() => {
    let cancelled = false;
    boot().then(
      (booted) => {
        if (!cancelled) setState(booted);
      },
      (error: unknown) => {
        if (!cancelled) setState({ kind: 'locked', message: (error as Error).message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  if (state.kind === 'ready') {
    return (
      <ReadyApp
        profile={state.profile}
        store={state.store}
        keyMaterial={state.keyMaterial}
        lastCompletedAt={state.lastCompletedAt}
        theme={theme}
        onThemeChange={setTheme}
        {...(state.notice === undefined ? {} : { notice: state.notice })}
      />
    );
  }
  return (
    <>
      <AppHeader current={undefined} />
      <main className="kb-main" id="main">
        {state.kind === 'loading' && <p role="status">Opening Kerbside…</p>}
        {state.kind === 'unprovisioned' && (
          <p role="alert">This device is not provisioned: {state.reason}. Ask trust IT to provision it.</p>
        )}
        {state.kind === 'locked' && (
          <p role="alert" className="kb-error">
            {state.message}
          </p>
        )}
        {state.kind === 'invalid' && (
          <section role="alert">
            <h2>The provisioning profile is invalid</h2>
            <ul>
              {state.issues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  <code>{issue.path}</code>: {issue.message}
                </li>
              ))}
            </ul>
          </section>
        )}
      </main>
    </>
  );
}
