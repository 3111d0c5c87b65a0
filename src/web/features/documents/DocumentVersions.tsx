import { useTranslation } from 'react-i18next';
import type { Document } from '../../../contract/documents.ts';
import { useDateTime } from '../../ui/useDateTime.ts';
import { downloadPath, previewKindOf } from './documents-api.ts';
import { useFileSize } from './useFileSize.ts';

/**
 * Every version, newest first: each downloads (the server sends it as an attachment and audits
 * it); images and PDFs can be shown in the preview below instead.
 */
export function DocumentVersions({
  document,
  shown,
  onShow,
}: {
  document: Document;
  shown: number;
  onShow: (version: number) => void;
}) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const size = useFileSize();
  const versions = [...document.versions].sort((a, b) => b.version - a.version);

  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">{t('documents.versions.heading')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('documents.versions.version')}</th>
            <th scope="col">{t('documents.versions.name')}</th>
            <th scope="col">{t('documents.facts.size')}</th>
            <th scope="col">{t('documents.facts.uploadedAt')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} aria-current={v.version === shown ? 'true' : undefined}>
              <td>{v.version}</td>
              <td>{v.name}</td>
              <td>{size(v.bytes)}</td>
              <td>{dateTime(v.uploadedAt)}</td>
              <td className="table__actions">
                <a className="button button--secondary" href={downloadPath(document.id, v.version)} download={v.name}>
                  {t('documents.versions.download', { version: v.version })}
                </a>
                {previewKindOf(v) !== undefined && v.version !== shown && (
                  <button type="button" className="button button--secondary" onClick={() => onShow(v.version)}>
                    {t('documents.versions.show', { version: v.version })}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
