/**
 * SHA-512/256 (FIPS 180-4 §6.7), which WebCrypto lacks; digest auth's `SHA-512-256`
 * (RFC 7616) needs it. It is SHA-512 with its own initial hash value, truncated to 256 bits,
 * so it differs from a truncated SHA-512. The round constants and both initial values are
 * derived here as FIPS 180-4 defines them (cube and square roots of primes; §5.3.6's IV
 * generation function for t = 256) instead of being typed in. Tested against the NIST
 * vectors and node:crypto's `sha512-256`.
 * @module
 */

interface Constants {
  /** 80 round constants as hi, lo 32-bit pairs. */
  readonly k: Int32Array;
  /** The SHA-512/256 initial hash value as hi, lo pairs. */
  readonly iv: Int32Array;
}

let constants: Constants | undefined;

function primes(n: number): number[] {
  const out: number[] = [];
  for (let c = 2; out.length < n; c++) if (out.every((p) => c % p !== 0)) out.push(c);
  return out;
}

/** floor(x^(1/k)) for a BigInt x > 0: Newton's method from above, which decreases to the floor. */
function iroot(x: bigint, k: bigint): bigint {
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / Number(k)));
  for (;;) {
    const next = ((k - 1n) * r + x / r ** (k - 1n)) / k;
    if (next >= r) break;
    r = next;
  }
  while (r ** k > x) r--;
  while ((r + 1n) ** k <= x) r++;
  return r;
}

/** The first 64 bits of the fractional part of p^(1/k). */
function fraction64(p: number, k: bigint): bigint {
  return iroot(BigInt(p) << (64n * k), k) & 0xffffffffffffffffn;
}

function pairs(values: readonly bigint[]): Int32Array {
  const out = new Int32Array(values.length * 2);
  values.forEach((v, i) => {
    out[2 * i] = Number(v >> 32n) | 0;
    out[2 * i + 1] = Number(v & 0xffffffffn) | 0;
  });
  return out;
}

function init(): Constants {
  const ps = primes(80);
  const k = pairs(ps.map((p) => fraction64(p, 3n)));
  // §5.3.6: SHA-512's IV (square roots of the first 8 primes) XOR a5a5…, then hash "SHA-512/256".
  const sha512iv = ps.slice(0, 8).map((p) => fraction64(p, 2n) ^ 0xa5a5a5a5a5a5a5a5n);
  const iv = sha512(new TextEncoder().encode('SHA-512/256'), k, pairs(sha512iv));
  return { k, iv };
}

const two32 = 2 ** 32;

// 64-bit rotate right of (h, l) by n (0 < n < 64, n ≠ 32): the high and the low word.
function rotrHi(h: number, l: number, n: number): number {
  return n < 32 ? (h >>> n) | (l << (32 - n)) : (l >>> (n - 32)) | (h << (64 - n));
}
function rotrLo(h: number, l: number, n: number): number {
  return n < 32 ? (l >>> n) | (h << (32 - n)) : (h >>> (n - 32)) | (l << (64 - n));
}

/** SHA-512 compression over padded `data` from state `start` (hi, lo pairs); returns the state. */
function sha512(data: Uint8Array, k: Int32Array, start: Int32Array): Int32Array {
  const blocks = Math.floor((data.length + 16) / 128) + 1;
  const padded = new Uint8Array(blocks * 128);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = data.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / two32), false);
  view.setUint32(padded.length - 4, bits >>> 0, false);

  const h = Int32Array.from(start);
  const w = new Int32Array(160);
  for (let offset = 0; offset < padded.length; offset += 128) {
    for (let t = 0; t < 32; t++) w[t] = view.getInt32(offset + t * 4, false);
    for (let t = 16; t < 80; t++) {
      const ah = w[2 * (t - 15)] as number;
      const al = w[2 * (t - 15) + 1] as number;
      const bh = w[2 * (t - 2)] as number;
      const bl = w[2 * (t - 2) + 1] as number;
      // σ0 = rotr1 ^ rotr8 ^ shr7; σ1 = rotr19 ^ rotr61 ^ shr6
      const s0h = rotrHi(ah, al, 1) ^ rotrHi(ah, al, 8) ^ (ah >>> 7);
      const s0l = rotrLo(ah, al, 1) ^ rotrLo(ah, al, 8) ^ ((al >>> 7) | (ah << 25));
      const s1h = rotrHi(bh, bl, 19) ^ rotrHi(bh, bl, 61) ^ (bh >>> 6);
      const s1l = rotrLo(bh, bl, 19) ^ rotrLo(bh, bl, 61) ^ ((bl >>> 6) | (bh << 26));
      const lo = (s0l >>> 0) + (s1l >>> 0) + ((w[2 * (t - 7) + 1] as number) >>> 0) + ((w[2 * (t - 16) + 1] as number) >>> 0);
      w[2 * t] = (s0h + s1h + (w[2 * (t - 7)] as number) + (w[2 * (t - 16)] as number) + Math.floor(lo / two32)) | 0;
      w[2 * t + 1] = lo | 0;
    }
    let [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl] = h as unknown as number[] as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    for (let t = 0; t < 80; t++) {
      const S1h = rotrHi(eh, el, 14) ^ rotrHi(eh, el, 18) ^ rotrHi(eh, el, 41);
      const S1l = rotrLo(eh, el, 14) ^ rotrLo(eh, el, 18) ^ rotrLo(eh, el, 41);
      const chh = (eh & fh) ^ (~eh & gh);
      const chl = (el & fl) ^ (~el & gl);
      const t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + ((k[2 * t + 1] as number) >>> 0) + ((w[2 * t + 1] as number) >>> 0);
      const t1h = hh + S1h + chh + (k[2 * t] as number) + (w[2 * t] as number) + Math.floor(t1l / two32);
      const S0h = rotrHi(ah, al, 28) ^ rotrHi(ah, al, 34) ^ rotrHi(ah, al, 39);
      const S0l = rotrLo(ah, al, 28) ^ rotrLo(ah, al, 34) ^ rotrLo(ah, al, 39);
      const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
      const t2l = (S0l >>> 0) + (majl >>> 0);
      const t2h = S0h + majh + Math.floor(t2l / two32);
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      const el2 = (dl >>> 0) + (t1l % two32);
      eh = (dh + t1h + Math.floor(el2 / two32)) | 0;
      el = el2 | 0;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      const al2 = (t1l % two32) + (t2l % two32);
      ah = (t1h + t2h + Math.floor(al2 / two32)) | 0;
      al = al2 | 0;
    }
    const add = [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl];
    for (let i = 0; i < 16; i += 2) {
      const lo = ((h[i + 1] as number) >>> 0) + ((add[i + 1] as number) >>> 0);
      h[i] = ((h[i] as number) + (add[i] as number) + Math.floor(lo / two32)) | 0;
      h[i + 1] = lo | 0;
    }
  }
  return h;
}

/** SHA-512/256 of `data`: 32 bytes. */
export function sha512t256(data: Uint8Array): Uint8Array {
  constants ??= init();
  const h = sha512(data, constants.k, constants.iv);
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) view.setInt32(i * 4, h[i] as number, false);
  return out;
}
