import { useEffect } from 'react';

/** Re-runs `refresh` every `ms` while the page is visible (live KPIs without a subscription per counter). */
export function usePolling(refresh: () => void, ms: number): void {
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, ms);
    return () => window.clearInterval(timer);
  }, [refresh, ms]);
}
