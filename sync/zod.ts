// The one place zod is configured: jitless, so no schema ever probes `new Function` (refused, and reported as
// a violation, by the app's Content-Security-Policy without 'unsafe-eval'). Every module takes `z` from here,
// so the setting is in force before any schema is defined, whatever order the bundler evaluates modules in.
// eslint-disable-next-line no-restricted-imports -- the one module allowed to configure zod
import { z } from 'zod';

z.config({ jitless: true });

export { z };
