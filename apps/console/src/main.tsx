import './i18n';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';

// A page's chunk that is gone (a tab open across a deployment): load the new console once.
window.addEventListener('vite:preloadError', () => {
  if (sessionStorage.getItem('wxop.console.reloaded') === location.pathname) return;
  sessionStorage.setItem('wxop.console.reloaded', location.pathname);
  location.reload();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
