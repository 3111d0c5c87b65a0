import sharp from 'sharp';
import { type Refusal, refuse } from '../inspect/refusal.ts';

export type StrippableImage = 'jpeg' | 'png' | 'gif' | 'webp';

export interface ImageStripOptions {
  /**
   * Turn the pixels as the EXIF orientation says before that tag goes with the rest: right for
   * a photo shown on its own. Not for a picture inside a document, whose layout already says how
   * it is shown.
   */
  readonly orient: boolean;
  /** Decoding needs memory in proportion to the pixels (3–4 bytes each, more for rotation). */
  readonly maxPixels: number;
}

/**
 * Re-encodes an image through libvips with none of its metadata: sharp writes no EXIF (GPS,
 * camera, serial numbers, times), XMP, IPTC or ICC profile unless told to keep them, and PNG text
 * chunks are not carried over (the pixels are encoded afresh; only frames and timing are kept). Colour stays right: an image with another profile
 * is converted to sRGB, which is what a viewer assumes for an image without one; a profile is not
 * kept because a calibrated profile can name the device or the person who made it.
 *
 * The whole image is in memory (sharp's input is the buffer). JPEG and WebP are re-compressed at
 * high quality; PNG and GIF are lossless, though GIF is re-quantised. Animated GIF and WebP keep
 * their frames, delays and loop count; an animated PNG keeps only its first frame (libvips does
 * not read APNG animation).
 */
export async function stripImage(
  bytes: Uint8Array,
  kind: StrippableImage,
  options: ImageStripOptions,
): Promise<Uint8Array | Refusal> {
  const animated = kind === 'gif' || kind === 'webp';
  const input = { animated, failOn: 'error', limitInputPixels: options.maxPixels } as const;
  try {
    const metadata = await sharp(bytes, input).metadata();
    let image = sharp(bytes, input);
    // libvips rotates multi-page images only by 180°; animations do not carry an orientation anyway.
    if (options.orient && (metadata.pages ?? 1) === 1) image = image.rotate();
    switch (kind) {
      case 'jpeg':
        image = image.jpeg({ quality: 92 });
        break;
      case 'png':
        image = image.png();
        break;
      case 'gif':
        image = image.gif();
        break;
      case 'webp':
        image = image.webp({ quality: 92 });
        break;
    }
    return await image.toBuffer();
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) return refuse('too_large', 'image_pixels');
    return refuse('cannot_strip', 'image_unreadable');
  }
}
