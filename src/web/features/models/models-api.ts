import { queryOptions } from '@tanstack/react-query';
import {
  ModelDetail,
  ModelDiff,
  ModelList,
  ModelSummary,
  OptionalItems,
  type SetOptionalItems,
} from '../../../contract/models/registry.ts';
import { apiGet, apiPost, apiPut } from '../../api/client.ts';

export const MODELS_KEY = ['models'] as const;

export const modelsQuery = queryOptions({
  queryKey: MODELS_KEY,
  queryFn: ({ signal }) => apiGet('/api/models', ModelList, { signal }),
});

const path = (key: string, version: string) => `/api/models/${encodeURIComponent(key)}/${encodeURIComponent(version)}`;

export const modelQuery = (key: string, version: string) =>
  queryOptions({
    queryKey: [...MODELS_KEY, key, version],
    queryFn: ({ signal }) => apiGet(path(key, version), ModelDetail, { signal }),
  });

export const diffQuery = (key: string, from: string, to: string) =>
  queryOptions({
    queryKey: [...MODELS_KEY, key, 'diff', from, to],
    queryFn: ({ signal }) =>
      apiGet(
        `/api/models/${encodeURIComponent(key)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
        ModelDiff,
        { signal },
      ),
  });

export const importModel = (source: string) => apiPost('/api/models', { source }, ModelSummary);

/** Publishes the version as read (its import time: a draft imported again since is refused), or retires it. */
export const publishModel = (key: string, version: string, importedAt: string) =>
  apiPost(`${path(key, version)}/publish`, { expectedImportedAt: importedAt }, ModelSummary);
export const retireModel = (key: string, version: string) =>
  apiPost(`${path(key, version)}/retire`, undefined, ModelSummary);

const optionalItemsPath = (key: string) => `/api/models/${encodeURIComponent(key)}/optional-items`;

/** The optional items of a model (by item key, over its published versions) the organisation uses. */
export const optionalItemsQuery = (key: string) =>
  queryOptions({
    queryKey: [...MODELS_KEY, key, 'optional-items'],
    queryFn: ({ signal }) => apiGet(optionalItemsPath(key), OptionalItems, { signal }),
  });

/**
 * Sets the whole set of optional items in use (a team lead's, after step-up), for assessments started
 * from then on; with the set as read, so that another team lead's change since is refused (409 stale_version).
 */
export const setOptionalItems = (key: string, items: readonly string[], expected: readonly string[]) =>
  apiPut(
    optionalItemsPath(key),
    { items: [...items], expected: [...expected] } satisfies SetOptionalItems,
    OptionalItems,
  );
