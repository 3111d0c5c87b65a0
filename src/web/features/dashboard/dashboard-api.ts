import { queryOptions } from '@tanstack/react-query';
import { Dashboard } from '../../../contract/dashboard.ts';
import { apiGet } from '../../api/client.ts';

/**
 * The dashboard (docs/dashboard.md). Every read is an audit event (`dashboard.viewed`): it is not
 * asked again when the window regains focus, only when the page is opened anew (then the answer
 * already at hand shows until the new one is in).
 */
export const dashboardQuery = queryOptions({
  queryKey: ['dashboard'],
  queryFn: ({ signal }) => apiGet('/api/dashboard', Dashboard, { signal }),
  refetchOnWindowFocus: false,
});
