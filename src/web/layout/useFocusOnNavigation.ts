import { useRouterState } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';

/**
 * After a client-side navigation (not the first load), focus moves to the new page's h1, or to <main>, as a
 * screen reader user expects from loading a page: otherwise focus stays on the link in the navigation.
 */
export function useFocusOnNavigation(): void {
  const pathname = useRouterState({ select: (state) => state.resolvedLocation?.pathname });
  const previous = useRef(pathname);
  useEffect(() => {
    if (pathname === undefined || previous.current === pathname) return;
    const first = previous.current === undefined;
    previous.current = pathname;
    if (first) return;
    const main = document.getElementById('main');
    const heading = main?.querySelector<HTMLElement>('h1[tabindex="-1"]');
    (heading ?? main)?.focus();
  }, [pathname]);
}
