import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createUserManager } from './auth/auth';
import { loadConfig } from './config/runtime-config';
import './styles.css';

async function start(): Promise<void> {
  const config = await loadConfig();
  const manager = createUserManager(config, window.location.origin);
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(
    <StrictMode>
      <App config={config} manager={manager} />
    </StrictMode>,
  );
}

void start();
