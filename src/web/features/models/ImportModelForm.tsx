import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { importModel, MODELS_KEY } from './models-api.ts';

/**
 * An administrator imports a model definition, pasted or read from a file. A refused import lists every problem
 * with its line and field, and keeps the text as it was, to be mended here.
 */
export function ImportModelForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [source, setSource] = useState('');
  const [missing, setMissing] = useState(false);
  const mutation = useMutation({
    mutationFn: importModel,
    onSuccess: async (model) => {
      await client.invalidateQueries({ queryKey: MODELS_KEY });
      await navigate({ to: '/models/$key', params: { key: model.key }, search: { version: model.version } });
    },
  });
  const problems =
    mutation.error instanceof ApiError && mutation.error.code === 'model_invalid'
      ? (mutation.error.problem?.problems ?? [])
      : null;
  const readFile = async (file: File | undefined) => {
    if (file !== undefined) setSource(await file.text());
  };
  return (
    <section className="card" aria-labelledby="models-import-heading">
      <h2 id="models-import-heading">{t('models.import.heading')}</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setMissing(source.trim() === '');
          if (source.trim() !== '') mutation.mutate(source);
        }}
        noValidate
      >
        <div className="field">
          <label className="field__label" htmlFor="model-file">
            {t('models.import.file')}
          </label>
          <input
            id="model-file"
            className="field__input"
            type="file"
            accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
            onChange={(event) => void readFile(event.target.files?.[0])}
          />
        </div>
        <TextArea
          id="model-source"
          label={t('models.import.source')}
          hint={t('models.import.hint')}
          value={source}
          onChange={setSource}
          rows={14}
          error={missing ? t('models.import.required') : undefined}
        />
        {problems !== null ? (
          <Alert tone="error" focus focusKey={mutation.error}>
            <p>{t('models.import.problems', { count: problems.length })}</p>
            <ul>
              {problems.map((p) => (
                <li key={`${p.line}-${p.field}-${p.code}-${p.message}`}>
                  {p.line === null
                    ? t('models.import.problemNoLine', { field: p.field, message: p.message })
                    : t('models.import.problem', { line: p.line, field: p.field || '—', message: p.message })}
                </li>
              ))}
            </ul>
          </Alert>
        ) : (
          <ErrorAlert error={mutation.error} />
        )}
        <button type="submit" className="button" disabled={mutation.isPending}>
          {t('models.import.submit')}
        </button>
      </form>
    </section>
  );
}
