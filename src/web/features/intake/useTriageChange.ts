import { useMutation, useQueryClient } from '@tanstack/react-query';
import { problemCode } from '../../api/client.ts';
import { triageReportQuery } from './triage-api.ts';

/**
 * A change of a report in triage, sent with the version the page shows. A change that met a newer version (409
 * stale_version) loads the report again and the form keeps what was typed, so the user checks the new state and
 * sends again. Every change may move the report in the inbox.
 */
export function useTriageChange<I, R>(
  report: { id: string; version: number },
  send: (expectedVersion: number, input: I) => Promise<R>,
  onDone?: (result: R) => void,
) {
  const client = useQueryClient();
  const detailKey = triageReportQuery(report.id).queryKey;
  return useMutation({
    mutationFn: (input: I) => send(report.version, input),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: ['triage', 'list'] });
      onDone?.(result);
    },
    onError: (error) => {
      if (problemCode(error) === 'stale_version') void client.invalidateQueries({ queryKey: detailKey });
    },
  });
}
