// Photos: shrunk on the phone (long side at most 1600 px, JPEG), hashed
// (sha256 of the exact bytes that will be uploaded), kept in IndexedDB until
// the server has them.

const MAX = 1600;
const THUMB = 320;

async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch { /* fall back to <img> */ }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function draw(src, max, quality) {
  const w0 = src.width, h0 = src.height;
  const scale = Math.min(1, max / Math.max(w0, h0));
  const w = Math.max(1, Math.round(w0 * scale)), h = Math.max(1, Math.round(h0 * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; // transparent PNGs on white, as the server does
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(src, 0, 0, w, h);
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok({ blob: b, width: w, height: h }) : fail(new Error('toBlob failed'))), 'image/jpeg', quality));
}

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Shrinks a camera file to a JPEG of at most 1600 px (canvas drawing drops
 * EXIF, GPS included) and returns {hash, blob, thumb, width, height}.
 */
export async function preparePhoto(file) {
  const src = await decode(file);
  const full = await draw(src, MAX, 0.8);
  const thumb = await draw(src, THUMB, 0.7);
  if (src.close) src.close();
  return { hash: await sha256Hex(full.blob), blob: full.blob, thumb: thumb.blob, width: full.width, height: full.height, size: full.blob.size };
}
