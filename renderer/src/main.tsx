// Renderer entry: applies the saved theme before the first paint, mounts the app, registers the service worker.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { registerServiceWorker } from './service-worker-state';
import './styles/app.scss';
import { savedTheme } from './theme';

document.documentElement.dataset.theme = savedTheme();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
registerServiceWorker();
