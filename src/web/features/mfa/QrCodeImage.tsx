import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Drawn at twice the size shown, so that it stays sharp on high-resolution screens. */
const SIZE = 200;

/**
 * A QR code of a text, drawn in the browser as a PNG data URL (the CSP allows data: images, and nothing of the
 * secret leaves the page). Should drawing fail, the text says so: the key can still be typed in.
 */
export function QrCodeImage({ text, alt }: { text: string; alt: string }) {
  const { t } = useTranslation();
  const [image, setImage] = useState<{ text: string; src: string } | 'failed' | undefined>();

  useEffect(() => {
    let current = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: SIZE * 2 }).then(
      (src) => {
        if (current) setImage({ text, src });
      },
      () => {
        if (current) setImage('failed');
      },
    );
    return () => {
      current = false;
    };
  }, [text]);

  if (image === 'failed') return <p className="form__note">{t('profile.mfa.enrol.qrFailed')}</p>;
  if (image === undefined || image.text !== text)
    return <p className="mfa-qr mfa-qr--pending">{t('common.loading')}</p>;
  return <img className="mfa-qr" src={image.src} alt={alt} width={SIZE} height={SIZE} />;
}
