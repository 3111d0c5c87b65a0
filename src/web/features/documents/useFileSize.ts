import { useTranslation } from 'react-i18next';

const UNITS = [
  ['gigabyte', 1024 ** 3],
  ['megabyte', 1024 ** 2],
  ['kilobyte', 1024],
] as const;

/** A byte count in the UI language: "1.4 MB", "1,4 MB", "312 byte". Binary multiples, as file managers show them. */
export function useFileSize(): (bytes: number) => string {
  const { i18n } = useTranslation();
  return (bytes: number) => {
    for (const [unit, size] of UNITS) {
      if (bytes >= size) {
        return new Intl.NumberFormat(i18n.language, { style: 'unit', unit, maximumFractionDigits: 1 }).format(
          bytes / size,
        );
      }
    }
    return new Intl.NumberFormat(i18n.language, { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
  };
}
