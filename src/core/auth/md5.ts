/**
 * MD5 (RFC 1321), which WebCrypto lacks; digest auth still needs it (RFC 2617, and servers
 * that offer nothing else). A plain transcription of the RFC's algorithm, tested against the
 * RFC 1321 §A.5 test suite and node:crypto. Not for anything but HTTP digest.
 * @module
 */

// Per-round shift amounts (RFC 1321 §3.4).
const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
// T[i] = floor(2^32 * abs(sin(i + 1))), built on first use (no work at import).
let sines: Int32Array | undefined;
function sineTable(): Int32Array {
  if (!sines) {
    sines = new Int32Array(64);
    for (let i = 0; i < 64; i++) sines[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;
  }
  return sines;
}

/** MD5 of `data`: 16 bytes. */
export function md5(data: Uint8Array): Uint8Array {
  const table = sineTable();
  const bitLength = data.length * 8;
  const padded = new Uint8Array((((data.length + 8) >>> 6) + 1) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bitLength >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bitLength / 2 ** 32), true);

  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  const x = new Int32Array(16);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let j = 0; j < 16; j++) x[j] = view.getInt32(offset + j * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const s = shifts[((i >>> 4) << 2) | (i & 3)] as number;
      const sum = (a + f + (table[i] as number) + (x[g] as number)) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new Uint8Array(16);
  const o = new DataView(out.buffer);
  o.setInt32(0, a0, true);
  o.setInt32(4, b0, true);
  o.setInt32(8, c0, true);
  o.setInt32(12, d0, true);
  return out;
}
