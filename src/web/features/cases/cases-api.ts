import { queryOptions } from '@tanstack/react-query';
import {
  AccessLog,
  BreakGlass,
  CandidateList,
  CaseDetail,
  CaseList,
  type CaseListQuery,
  type ChangeMember,
  type ChangeStatus,
  type CreateCase,
  type GrantMember,
  MemberList,
  type SetPriority,
  type StartBreakGlass,
  type UpdateCase,
} from '../../../contract/cases.ts';
import { DocumentList } from '../../../contract/documents.ts';
import {
  CasePerson,
  ConflictList,
  type CreatePerson,
  PersonIdentity,
  PersonList,
  Relation,
  type RelationKind,
} from '../../../contract/persons.ts';
import { CaseReports } from '../../../contract/reports.ts';
import { apiDelete, apiGet, apiPost, apiPut } from '../../api/client.ts';

/**
 * The cases API. Every read of a case is an audit event: queries are not refetched when a window
 * regains focus, only when something changed.
 */
const casePath = (id: string, rest = '') => `/api/cases/${encodeURIComponent(id)}${rest}`;

export const casesQuery = (filter: CaseListQuery) =>
  queryOptions({
    queryKey: ['cases', 'list', filter],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) {
        if (value !== undefined && value !== '') params.set(key, String(value));
      }
      return apiGet(`/api/cases?${params}`, CaseList, { signal });
    },
    refetchOnWindowFocus: false,
  });

export const caseQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id],
    queryFn: ({ signal }) => apiGet(casePath(id), CaseDetail, { signal }),
    refetchOnWindowFocus: false,
    retry: false,
  });

export const membersQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'members'],
    queryFn: ({ signal }) => apiGet(casePath(id, '/members'), MemberList, { signal }),
    refetchOnWindowFocus: false,
  });

export const candidatesQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'candidates'],
    queryFn: ({ signal }) => apiGet(casePath(id, '/candidates'), CandidateList, { signal }),
    refetchOnWindowFocus: false,
  });

export const accessLogQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'access-log'],
    queryFn: ({ signal }) => apiGet(casePath(id, '/access-log'), AccessLog, { signal }),
    refetchOnWindowFocus: false,
  });

export const caseDocumentsQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'documents'],
    queryFn: ({ signal }) =>
      apiGet(`/api/documents?ownerType=case&ownerId=${encodeURIComponent(id)}`, DocumentList, { signal }),
    refetchOnWindowFocus: false,
  });

/** The case's reports (docs/intake.md): each read is audited, like the case. */
export const caseReportsQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'reports'],
    queryFn: ({ signal }) => apiGet(casePath(id, '/reports'), CaseReports, { signal }),
    refetchOnWindowFocus: false,
  });

export const createCase = (body: CreateCase) => apiPost('/api/cases', body, CaseDetail);
export const updateCase = (id: string, body: UpdateCase) => apiPut(casePath(id), body, CaseDetail);
export const changeStatus = (id: string, body: ChangeStatus) => apiPost(casePath(id, '/status'), body, CaseDetail);
export const setPriority = (id: string, body: SetPriority) => apiPost(casePath(id, '/priority'), body, CaseDetail);
export const startBreakGlass = (id: string, body: StartBreakGlass) =>
  apiPost(casePath(id, '/break-glass'), body, BreakGlass);
export const endBreakGlass = (id: string) => apiDelete(casePath(id, '/break-glass'));
export const grantMember = (id: string, body: GrantMember) => apiPost(casePath(id, '/members'), body);
export const changeMember = (id: string, userId: string, body: ChangeMember) =>
  apiPut(casePath(id, `/members/${encodeURIComponent(userId)}`), body);
export const revokeMember = (id: string, userId: string, expectedVersion: number) =>
  apiDelete(casePath(id, `/members/${encodeURIComponent(userId)}?expectedVersion=${expectedVersion}`));
export const transferLead = (id: string, body: { expectedVersion: number; userId: string }) =>
  apiPost(casePath(id, '/lead'), body);

export const personsQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'persons'],
    queryFn: ({ signal }) => apiGet(casePath(id, '/persons'), PersonList, { signal }),
    refetchOnWindowFocus: false,
  });

export const addPerson = (id: string, body: CreatePerson) => apiPost(casePath(id, '/persons'), body, CasePerson);
/** The identity of one person: each call is a deliberate reveal, recorded in the audit trail. */
export const revealIdentity = (id: string, personId: string) =>
  apiPost(casePath(id, `/persons/${encodeURIComponent(personId)}/reveal`), undefined, PersonIdentity);
export const addRelation = (id: string, body: { from: string; to: string; kind: RelationKind }) =>
  apiPost(casePath(id, '/relations'), body, Relation);
export const removeRelation = (id: string, relationId: string) =>
  apiDelete(casePath(id, `/relations/${encodeURIComponent(relationId)}`));
export const declareConflict = (id: string, personId: string, userId: string) =>
  apiPost(casePath(id, `/persons/${encodeURIComponent(personId)}/conflicts`), { userId });

/** Every account that could be related to a person: the case's members and those who could join. */
export const accountsQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'accounts'],
    queryFn: async ({ signal }) => {
      const [members, candidates] = await Promise.all([
        apiGet(casePath(id, '/members'), MemberList, { signal }),
        apiGet(casePath(id, '/candidates'), CandidateList, { signal }),
      ]);
      return [
        ...members.members.map((m) => ({ id: m.user.id, displayName: m.user.displayName })),
        ...candidates.candidates.map((c) => ({ id: c.id, displayName: c.displayName })),
      ];
    },
    refetchOnWindowFocus: false,
  });

export const conflictsQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'conflicts'],
    queryFn: ({ signal }) => apiGet(casePath(id, '/conflicts'), ConflictList, { signal }),
    refetchOnWindowFocus: false,
  });

export const liftConflict = (id: string, personId: string, userId: string) =>
  apiDelete(casePath(id, `/persons/${encodeURIComponent(personId)}/conflicts/${encodeURIComponent(userId)}`));
