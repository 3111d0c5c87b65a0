import { Link } from '@tanstack/react-router';
import type { CaseStatus } from '../../../contract/cases.ts';
import { PriorityBadge, StatusBadge } from './CaseBadges.tsx';

/** The cells every table of cases starts with: the reference (the row's header, linking to the case). */
export function CaseReferenceCell({ id, reference }: { id: string; reference: string }) {
  return (
    <th scope="row">
      <Link to="/cases/$caseId" params={{ caseId: id }}>
        {reference}
      </Link>
    </th>
  );
}

/** A case's status and priority as two cells of badges. */
export function CaseStateCells({ status, priority }: { status: CaseStatus; priority: number | null }) {
  return (
    <>
      <td>
        <StatusBadge status={status} />
      </td>
      <td>
        <PriorityBadge priority={priority} />
      </td>
    </>
  );
}
