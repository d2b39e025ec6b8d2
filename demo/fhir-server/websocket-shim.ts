// Gives Node 20 the browser-style WebSocket global that @medplum/core touches while it loads.
// Import this module before any @medplum package: ES modules evaluate their imports in order.
import { WebSocket } from 'ws';

(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
