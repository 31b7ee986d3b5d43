import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { PageErrorBoundary } from './components/PageErrorBoundary.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PageErrorBoundary whole>
      <App />
    </PageErrorBoundary>
  </StrictMode>,
);
