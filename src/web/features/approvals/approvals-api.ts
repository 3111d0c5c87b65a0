import { queryOptions } from '@tanstack/react-query';
import { ApprovalDecision, ApprovalList } from '../../../contract/accounts.ts';
import { apiGet, apiPost } from '../../api/client.ts';

export const approvalsQuery = queryOptions({
  queryKey: ['approvals'],
  queryFn: ({ signal }) => apiGet('/api/approvals', ApprovalList, { signal }),
});

export type Decision = 'approve' | 'reject';

export function decide(id: string, decision: Decision): Promise<ApprovalDecision> {
  return apiPost(`/api/approvals/${encodeURIComponent(id)}/${decision}`, undefined, ApprovalDecision);
}
