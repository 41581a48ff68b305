//! Bit-level decoding of xdrfile's `xtc3dfcoord` compression, written from the algorithm's
//! description and bounds-checked throughout.
//!
//! The compressed stream is a big-endian (most significant bit first) bit stream. Coordinates are
//! integers (`round(x * precision)`) coded in groups:
//!
//! 1. one "large" atom, relative to `minint`: either the three integers packed into one mixed-radix
//!    number of `sizeofints(sizeint)` bits, or, when some range exceeds 2^24, three separate
//!    integers of `sizeofint(sizeint[k])` bits each;
//! 2. a one-bit flag; when set, five bits give a new run length (a multiple of three, in
//!    coordinates) plus a change (-1, 0, +1) of the small-integer size index `smallidx`;
//! 3. the run (the last run length persists until a flag replaces it): `run / 3` "small" atoms, each
//!    a packed triple of deltas from the previous atom, offset by `magicints[smallidx] / 2`. The first
//!    small atom is emitted *before* the large atom (the encoder swapped them so that in water the
//!    oxygen sits between its two hydrogens).
//!
//! Packed numbers are read as xdrfile's `receiveints` reads them: whole 8-bit chunks first, least
//! significant chunk first, then the remaining high bits.
//!
//! Nothing here panics or overflows on any input: reads past the buffer, an out-of-table
//! `smallidx`, or a run longer than the frame become a [`Fault`].

/// The magic integers: `MAGICINTS[i]^3` is about `2^i`, so a triple of integers below
/// `MAGICINTS[i]` packs into `i` bits. Entries below [`FIRSTIDX`] are unused (zero). Written as in
/// the reference table (irregular entries 5060, 524287 and 8388607 included).
#[allow(clippy::unreadable_literal)]
pub(crate) const MAGICINTS: [u32; 73] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64, 80, 101, 128, 161, 203, 256,
    322, 406, 512, 645, 812, 1024, 1290, 1625, 2048, 2580, 3250, 4096, 5060, 6501, 8192, 10321,
    13003, 16384, 20642, 26007, 32768, 41285, 52015, 65536, 82570, 104031, 131072, 165140, 208063,
    262144, 330280, 416127, 524287, 660561, 832255, 1048576, 1321122, 1664510, 2097152, 2642245,
    3329021, 4194304, 5284491, 6658042, 8388607, 10568983, 13316085, 16777216,
];

/// First usable index of [`MAGICINTS`].
pub(crate) const FIRSTIDX: usize = 9;

/// One past the last usable index of [`MAGICINTS`].
const LASTIDX: usize = MAGICINTS.len();

/// Ranges above this use the "large" coding of three separate integers.
const MAX_PACKED_SIZE: u64 = 0x00ff_ffff;

/// Widest read the 64-bit accumulator serves in one go.
const MAX_FAST_BITS: u32 = 56;

/// A decoding failure: what went wrong and at which byte of the compressed data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    /// What was wrong.
    pub(crate) message: String,
    /// Byte offset inside the compressed data.
    pub(crate) at: u64,
}

/// Bits needed for an integer below `size` as xdrfile's `sizeofint` counts them: the bit length of
/// `size`, at most 32.
pub(crate) fn sizeofint(size: u64) -> u32 {
    (u64::BITS - size.leading_zeros()).min(32)
}

/// Bits needed for a packed triple as xdrfile's `sizeofints` counts them: the bit length of the
/// product of the sizes (each below 2^24 where this is used, so the product fits in 72 bits).
pub(crate) fn sizeofints(sizes: [u32; 3]) -> u32 {
    let product = u128::from(sizes[0]) * u128::from(sizes[1]) * u128::from(sizes[2]);
    u128::BITS - product.leading_zeros()
}

/// How the "large" atom of each group is coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Large {
    /// One packed mixed-radix number of `bits` bits; radices of the middle and last digit.
    Packed { bits: u32, s1: Divisor, s2: Divisor },
    /// Three separate integers of `bits[k]` bits each.
    Separate { bits: [u32; 3] },
}

/// Validated parameters of one compressed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) minint: [i32; 3],
    pub(crate) maxint: [i32; 3],
    large: Large,
    smallidx: usize,
}

impl Params {
    /// Checks the compression prelude: `maxint >= minint` with a range that fits 32 bits, and
    /// `smallidx` inside the magic-integer table.
    pub(crate) fn new(minint: [i32; 3], maxint: [i32; 3], smallidx: i32) -> Result<Self, String> {
        let mut sizes = [0u32; 3];
        for (k, size) in sizes.iter_mut().enumerate() {
            let range = i64::from(maxint[k]) - i64::from(minint[k]) + 1;
            *size = u32::try_from(range)
                .ok()
                .filter(|&s| s > 0)
                .ok_or_else(|| {
                    format!(
                        "invalid coordinate range on axis {k}: minint {} maxint {}",
                        minint[k], maxint[k]
                    )
                })?;
        }
        let idx = usize::try_from(smallidx)
            .ok()
            .filter(|i| (FIRSTIDX..LASTIDX).contains(i))
            .ok_or_else(|| {
                format!(
                    "invalid small-integer index {smallidx}, expected {FIRSTIDX}..={}",
                    LASTIDX - 1
                )
            })?;
        let large = if sizes.iter().any(|&s| u64::from(s) > MAX_PACKED_SIZE) {
            Large::Separate {
                bits: sizes.map(|s| sizeofint(u64::from(s))),
            }
        } else {
            Large::Packed {
                bits: sizeofints(sizes),
                s1: Divisor::new(sizes[1]),
                s2: Divisor::new(sizes[2]),
            }
        };
        Ok(Self {
            minint,
            maxint,
            large,
            smallidx: idx,
        })
    }
}

/// Smallest and largest decoded integer per axis. The encoder stores exactly these as `minint` and
/// `maxint`, so a frame whose decoded values leave (or, decoded whole, do not reach) its stored
/// bounds is corrupt: a flipped bit in a bound shifts every coordinate without any other symptom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extent {
    /// Per-axis minimum (`i32::MAX` when nothing was decoded).
    pub(crate) lo: [i32; 3],
    /// Per-axis maximum (`i32::MIN` when nothing was decoded).
    pub(crate) hi: [i32; 3],
}

impl Extent {
    const EMPTY: Self = Self {
        lo: [i32::MAX; 3],
        hi: [i32::MIN; 3],
    };

    // Branch-free min/max in the hot loop: checking once at the end costs less than per atom.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn include(&mut self, c: [i32; 3]) {
        for ((lo, hi), v) in self.lo.iter_mut().zip(&mut self.hi).zip(c) {
            *lo = (*lo).min(v);
            *hi = (*hi).max(v);
        }
    }
}

/// Receives decoded atoms in file order, each exactly once.
pub(crate) trait Sink {
    /// Atom `atom` has integer coordinates `c` (multiply by `1 / precision` for nm).
    fn put(&mut self, atom: usize, c: [i32; 3]);

    /// Called once after the last atom of a successful decode.
    fn finish(&mut self) {}
}

/// Most-significant-bit-first reader over a byte slice with a 64-bit accumulator.
///
/// `acc` holds `avail` valid bits left-aligned; bits below them are either zero or the correct next
/// bits of the stream, so refills may OR the same bits in again.
struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    avail: u32,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            acc: 0,
            avail: 0,
        }
    }

    /// Tops the accumulator up to 56..=63 bits, or with whatever the data has left.
    #[inline]
    fn refill(&mut self) {
        if let Some(word) = self.data.get(self.pos..).and_then(<[u8]>::first_chunk::<8>) {
            self.acc |= u64::from_be_bytes(*word) >> self.avail;
            self.pos += ((63 - self.avail) >> 3) as usize;
            self.avail |= 0b11_1000;
        } else {
            // Near the end: byte by byte, keeping `avail` below 64 (at least 56 bits when available).
            while self.avail < 56 {
                let Some(&byte) = self.data.get(self.pos) else {
                    break;
                };
                self.acc |= u64::from(byte) << (56 - self.avail);
                self.pos += 1;
                self.avail += 8;
            }
        }
    }

    /// Reads `n` bits (at most 56) as an unsigned integer, first bit most significant; `None` when
    /// the data runs out (or for an over-wide request).
    #[inline]
    fn bits(&mut self, n: u32) -> Option<u64> {
        if n == 0 {
            return Some(0);
        }
        if n > MAX_FAST_BITS {
            return None;
        }
        if self.avail < n {
            self.refill();
            if self.avail < n {
                return None;
            }
        }
        let value = self.acc >> (64 - n);
        self.acc <<= n;
        self.avail -= n;
        Some(value)
    }

    /// Reads a packed number of `n` bits (1..=56) the way `receiveints` does: 8-bit chunks,
    /// least significant chunk first, the remaining 1..=8 high bits last.
    #[inline]
    fn packed(&mut self, n: u32) -> Option<u64> {
        let v = self.bits(n)?;
        let full = n.saturating_sub(1) / 8;
        let last = n - 8 * full;
        let top = v & ((1u64 << last) - 1);
        if full == 0 {
            return Some(top);
        }
        let low = (v >> last).swap_bytes() >> (64 - 8 * full);
        Some(low | (top << (8 * full)))
    }

    /// [`Self::packed`] for any width up to 72 bits (slow path, rare in practice).
    fn packed_wide(&mut self, n: u32) -> Option<u128> {
        let mut value = 0u128;
        let mut shift = 0;
        let mut left = n;
        while left > 8 {
            value |= u128::from(self.bits(8)?) << shift;
            shift += 8;
            left -= 8;
        }
        Some(value | (u128::from(self.bits(left)?) << shift))
    }

    /// Byte offset of the next unread bit.
    fn byte_pos(&self) -> u64 {
        (self.pos as u64).saturating_sub(u64::from(self.avail / 8))
    }
}

/// Division by a fixed divisor in `1..=2^24` through a multiply and a shift (Granlund-Montgomery
/// round-up method), exact for every dividend below 2^56.
///
/// With `l = ceil(log2 d)` and `m = ceil(2^(56 + l) / d)` (so `m < 2^57`),
/// `floor(n * m / 2^(56 + l)) == floor(n / d)` for all `n < 2^56`: the rounding error of `m` adds
/// less than `1 / d` to `n / d`, which never reaches the next integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Divisor {
    d: u64,
    m: u64,
    shift: u32,
}

impl Divisor {
    /// Dividends must be below `2^DIVIDEND_BITS`.
    const DIVIDEND_BITS: u32 = MAX_FAST_BITS;

    /// Prepares division by `d`; `d` is clamped into `1..=2^24` (callers only pass values there).
    pub(crate) const fn new(d: u32) -> Self {
        let d = if d == 0 {
            1
        } else if d > 1 << 24 {
            1 << 24
        } else {
            d
        } as u64;
        let l = u64::BITS - (d - 1).leading_zeros();
        let shift = Self::DIVIDEND_BITS + l;
        let m = (1u128 << shift).div_ceil(d as u128) as u64;
        Self { d, m, shift }
    }

    /// `(n / d, n % d)` for `n < 2^56`.
    #[inline]
    #[cfg(not(target_family = "wasm"))]
    fn divrem(self, n: u64) -> (u64, u64) {
        let q = ((u128::from(n) * u128::from(self.m)) >> self.shift) as u64;
        (q, n.wrapping_sub(q.wrapping_mul(self.d)))
    }

    /// `(n / d, n % d)`. wasm has a native 64-bit divide but no 64×64→128 multiply (the
    /// multiply-shift above becomes a call to `__multi3`), so plain division is faster there.
    #[inline]
    #[cfg(target_family = "wasm")]
    fn divrem(self, n: u64) -> (u64, u64) {
        (n / self.d, n % self.d)
    }
}

/// [`Divisor`]s of every [`MAGICINTS`] entry (placeholders below [`FIRSTIDX`]).
const MAGIC_DIVISORS: [Divisor; LASTIDX] = {
    let mut table = [Divisor::new(1); LASTIDX];
    let mut i = FIRSTIDX;
    while i < LASTIDX {
        table[i] = Divisor::new(MAGICINTS[i]);
        i += 1;
    }
    table
};

/// Splits a packed number below 2^56 into its three mixed-radix digits (`sizes[0]` is never divided
/// by: the most significant digit keeps the low 32 bits of what is left, as `receiveints` does).
#[inline]
fn unpack(n: u64, s1: Divisor, s2: Divisor) -> [u32; 3] {
    let (n, z) = s2.divrem(n);
    let (x, y) = s1.divrem(n);
    [x as u32, y as u32, z as u32]
}

/// [`unpack`] for packed numbers of 57 to 72 bits.
fn unpack_wide(n: u128, s1: u128, s2: u128) -> [u32; 3] {
    let z = n % s2;
    let n = n / s2;
    let y = n % s1;
    let x = n / s1;
    [x as u32, y as u32, z as u32]
}

/// Reads a packed triple of `nbits` bits with radices `s1` (middle) and `s2` (last).
// Measured: forcing the inlining of this hot-loop helper is worth 10-20% per frame.
#[allow(clippy::inline_always)]
#[inline(always)]
fn triple(br: &mut BitReader<'_>, nbits: u32, s1: Divisor, s2: Divisor) -> Option<[u32; 3]> {
    if nbits <= MAX_FAST_BITS {
        Some(unpack(br.packed(nbits)?, s1, s2))
    } else {
        triple_wide(br, nbits, s1, s2)
    }
}

#[cold]
fn triple_wide(br: &mut BitReader<'_>, nbits: u32, s1: Divisor, s2: Divisor) -> Option<[u32; 3]> {
    Some(unpack_wide(
        br.packed_wide(nbits)?,
        u128::from(s1.d),
        u128::from(s2.d),
    ))
}

/// Decompresses atoms `0..stop` (of `natoms`) from `data` into `sink`, in file order.
///
/// Stops as soon as atom `stop - 1` has been emitted; the rest of the data is not looked at.
/// Returns the [`Extent`] of the atoms decoded, for the caller to hold against the stored bounds.
pub(crate) fn decompress<S: Sink>(
    params: &Params,
    data: &[u8],
    natoms: usize,
    stop: usize,
    sink: &mut S,
) -> Result<Extent, Fault> {
    let mut br = BitReader::new(data);
    let stop = stop.min(natoms);
    let out_of_data = |br: &BitReader<'_>, atom: usize| Fault {
        message: format!(
            "compressed coordinates end after {} bytes while decoding atom {atom} of {natoms}",
            data.len()
        ),
        at: br.byte_pos(),
    };
    let minint = params.minint;
    let mut small = SmallState::new(params.smallidx);
    let mut run = 0u32;
    let mut n = 0usize;
    let mut extent = Extent::EMPTY;
    while n < stop {
        let raw = match params.large {
            Large::Packed { bits, s1, s2 } => triple(&mut br, bits, s1, s2),
            Large::Separate { bits } => (|| {
                Some([
                    br.bits(bits[0])? as u32,
                    br.bits(bits[1])? as u32,
                    br.bits(bits[2])? as u32,
                ])
            })(),
        }
        .ok_or_else(|| out_of_data(&br, n))?;
        let big = [
            (raw[0] as i32).wrapping_add(minint[0]),
            (raw[1] as i32).wrapping_add(minint[1]),
            (raw[2] as i32).wrapping_add(minint[2]),
        ];
        let flag = br.bits(1).ok_or_else(|| out_of_data(&br, n))?;
        let mut is_smaller = 0i32;
        if flag == 1 {
            let code = br.bits(5).ok_or_else(|| out_of_data(&br, n))? as u32;
            is_smaller = (code % 3) as i32 - 1;
            run = code - code % 3;
        }
        extent.include(big);
        if run == 0 {
            sink.put(n, big);
            n += 1;
        } else {
            let count = (run / 3) as usize;
            // n < stop <= natoms, so the subtraction cannot underflow.
            if count >= natoms - n {
                return Err(Fault {
                    message: format!(
                        "run of {count} small atoms after atom {n} overruns the frame's {natoms} atoms"
                    ),
                    at: br.byte_pos(),
                });
            }
            let mut prev = big;
            for k in 0..count {
                let d = triple(&mut br, small.idx as u32, small.size, small.size)
                    .ok_or_else(|| out_of_data(&br, n))?;
                let t = [
                    (d[0] as i32).wrapping_add(prev[0].wrapping_sub(small.num)),
                    (d[1] as i32).wrapping_add(prev[1].wrapping_sub(small.num)),
                    (d[2] as i32).wrapping_add(prev[2].wrapping_sub(small.num)),
                ];
                extent.include(t);
                sink.put(n, t);
                n += 1;
                if k == 0 {
                    // The encoder swapped the first two atoms of the run (water: O between H's).
                    sink.put(n, big);
                    n += 1;
                }
                prev = t;
                if n >= stop {
                    sink.finish();
                    return Ok(extent);
                }
            }
        }
        if is_smaller != 0
            && let Err(next) = small.shift(is_smaller)
            && n < stop
        {
            return Err(Fault {
                message: format!(
                    "small-integer index leaves the table ({next}, expected {FIRSTIDX}..={}) at atom {n}",
                    LASTIDX - 1
                ),
                at: br.byte_pos(),
            });
        }
    }
    sink.finish();
    Ok(extent)
}

/// The adaptive small-integer size of the run coding.
struct SmallState {
    /// Index into [`MAGICINTS`], kept in `FIRSTIDX..LASTIDX`.
    idx: usize,
    /// Radix of each small integer: `MAGICINTS[idx]`.
    size: Divisor,
    /// Offset of small deltas: `MAGICINTS[idx] / 2`.
    num: i32,
    /// Offset for the next smaller index: `MAGICINTS[idx - 1] / 2` (0 at the bottom).
    smaller: i32,
}

impl SmallState {
    /// `idx` must be in `FIRSTIDX..LASTIDX` (checked by [`Params::new`]).
    fn new(idx: usize) -> Self {
        let idx = idx.clamp(FIRSTIDX, LASTIDX - 1);
        Self {
            idx,
            size: MAGIC_DIVISORS[idx],
            num: half(MAGICINTS[idx]),
            smaller: half(MAGICINTS[(idx - 1).max(FIRSTIDX)]),
        }
    }

    /// Moves the index by `delta` (-1 or +1) as the reference decoder does; `Err(new index)` (and no
    /// change) when that would leave the table.
    #[inline]
    fn shift(&mut self, delta: i32) -> Result<(), i64> {
        let next = self.idx as i64 + i64::from(delta);
        let Some(idx) = usize::try_from(next)
            .ok()
            .filter(|i| (FIRSTIDX..LASTIDX).contains(i))
        else {
            return Err(next);
        };
        self.idx = idx;
        if delta < 0 {
            self.num = self.smaller;
            self.smaller = if idx > FIRSTIDX {
                half(MAGICINTS[idx - 1])
            } else {
                0
            };
        } else {
            self.smaller = self.num;
            self.num = half(MAGICINTS[idx]);
        }
        self.size = MAGIC_DIVISORS[idx];
        Ok(())
    }
}

/// Half of a magic integer, as the signed offset the reference algorithm uses.
#[inline]
fn half(m: u32) -> i32 {
    (m / 2) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `receiveints` done the slow, literal way: chunks into a byte array, long division.
    fn reference_receiveints(
        data: &[u8],
        bit_offset: usize,
        nbits: u32,
        sizes: [u32; 3],
    ) -> [u32; 3] {
        let bit = |i: usize| (data[i / 8] >> (7 - i % 8)) & 1;
        let mut pos = bit_offset;
        let mut take = |n: u32| {
            let mut v = 0u32;
            for _ in 0..n {
                v = (v << 1) | u32::from(bit(pos));
                pos += 1;
            }
            v
        };
        let mut bytes = [0u32; 32];
        let mut nbytes = 0;
        let mut left = nbits;
        while left > 8 {
            bytes[nbytes] = take(8);
            nbytes += 1;
            left -= 8;
        }
        if left > 0 {
            bytes[nbytes] = take(left);
            nbytes += 1;
        }
        let mut nums = [0u32; 3];
        for i in (1..3).rev() {
            let mut num: u64 = 0;
            for j in (0..nbytes).rev() {
                num = (num << 8) | u64::from(bytes[j]);
                let p = num / u64::from(sizes[i]);
                bytes[j] = p as u32;
                num -= p * u64::from(sizes[i]);
            }
            nums[i] = num as u32;
        }
        nums[0] = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
        nums
    }

    #[test]
    fn magicints_cube_to_about_their_index() {
        for (i, &m) in MAGICINTS.iter().enumerate().skip(FIRSTIDX) {
            let bits = sizeofints([m, m, m]);
            assert!(
                bits.abs_diff(i as u32) <= 1,
                "index {i}: {m}^3 needs {bits} bits"
            );
        }
    }

    #[test]
    fn sizeofint_matches_reference_loop() {
        for size in [
            0u64,
            1,
            2,
            3,
            4,
            255,
            256,
            0xff_ffff,
            0x100_0000,
            0xffff_ffff,
        ] {
            let mut num = 1u64;
            let mut bits = 0;
            while size >= num && bits < 32 {
                bits += 1;
                num <<= 1;
            }
            assert_eq!(sizeofint(size), bits, "size {size}");
        }
        assert_eq!(sizeofints([1, 1, 1]), 1);
        assert_eq!(sizeofints([2, 2, 2]), 4);
        assert_eq!(sizeofints([0xff_ffff; 3]), 72);
    }

    #[test]
    fn bit_reader_is_msb_first_and_bounded() {
        let data = [0b1010_0000, 0xff, 0x01];
        let mut br = BitReader::new(&data);
        assert_eq!(br.bits(1), Some(1));
        assert_eq!(br.bits(2), Some(0b01));
        assert_eq!(br.bits(5), Some(0));
        assert_eq!(br.bits(12), Some(0xff0));
        assert_eq!(br.bits(4), Some(1));
        assert_eq!(br.bits(1), None);
        assert_eq!(BitReader::new(&[]).bits(1), None);
        assert_eq!(BitReader::new(&[0; 16]).bits(57), None);
    }

    #[test]
    fn bit_reader_mixed_widths_match_bitwise_reading() {
        let mut rng = molsig_rng::SplitMix64::new(7);
        let data: Vec<u8> = (0..300).map(|_| rng.next_u64() as u8).collect();
        let mut br = BitReader::new(&data);
        let mut pos = 0usize;
        loop {
            let n = rng.below(57) as u32;
            let got = br.bits(n);
            if pos + n as usize > data.len() * 8 {
                assert_eq!(got, None);
                break;
            }
            let mut want = 0u64;
            for i in pos..pos + n as usize {
                want = (want << 1) | u64::from((data[i / 8] >> (7 - i % 8)) & 1);
            }
            assert_eq!(got, Some(want), "{n} bits at bit {pos}");
            pos += n as usize;
        }
    }

    #[test]
    fn packed_triples_match_literal_receiveints() {
        let mut rng = molsig_rng::SplitMix64::new(42);
        let data: Vec<u8> = (0..64).map(|_| (rng.next_u64() >> 11) as u8).collect();
        for _ in 0..20_000 {
            let offset = ((rng.next_u64() >> 11) % 64) as usize;
            let sizes = [
                ((rng.next_u64() >> 11) % 0xff_ffff) as u32 + 1,
                ((rng.next_u64() >> 11) % (1 << ((rng.next_u64() >> 11) % 24 + 1))) as u32 + 1,
                ((rng.next_u64() >> 11) % (1 << ((rng.next_u64() >> 11) % 24 + 1))) as u32 + 1,
            ];
            let nbits = ((rng.next_u64() >> 11) % 72) as u32 + 1;
            let mut br = BitReader::new(&data);
            br.bits(offset as u32 / 2);
            br.bits(offset as u32 - offset as u32 / 2);
            let got = triple(
                &mut br,
                nbits,
                Divisor::new(sizes[1]),
                Divisor::new(sizes[2]),
            );
            let want = reference_receiveints(&data, offset, nbits, sizes);
            assert_eq!(got, Some(want), "{nbits} bits at {offset}, sizes {sizes:?}");
        }
    }

    #[test]
    fn reciprocal_division_is_exact() {
        let mut rng = molsig_rng::SplitMix64::new(5);
        let mut divisors: Vec<u32> = vec![1, 2, 3, 7, 8, 255, 256, 257, 0xff_ffff, 1 << 24];
        divisors.extend(MAGICINTS.iter().skip(FIRSTIDX));
        divisors.extend((0..2000).map(|_| ((rng.next_u64() >> 11) % (1 << 24)) as u32 + 1));
        let top = (1u64 << 56) - 1;
        for &d in &divisors {
            let div = Divisor::new(d);
            let d64 = u64::from(d);
            let mut ns = vec![
                0,
                1,
                d64 - 1,
                d64,
                d64 + 1,
                top,
                top - 1,
                top / d64 * d64,
                top / d64 * d64 - 1,
            ];
            ns.extend(
                (0..200).map(|_| (((rng.next_u64() >> 11) << 20) ^ (rng.next_u64() >> 11)) & top),
            );
            ns.extend((0..200).map(|_| (rng.next_u64() >> 11) % (d64 * 1000)));
            for n in ns {
                assert_eq!(div.divrem(n), (n / d64, n % d64), "{n} / {d}");
            }
        }
    }

    #[test]
    fn params_reject_bad_prelude() {
        assert!(Params::new([0; 3], [10; 3], 9).is_ok());
        assert!(Params::new([0; 3], [10; 3], 8).is_err());
        assert!(Params::new([0; 3], [10; 3], 73).is_err());
        assert!(Params::new([0; 3], [10; 3], -1).is_err());
        assert!(Params::new([5, 0, 0], [4, 10, 10], 10).is_err());
        assert!(Params::new([i32::MIN; 3], [i32::MAX; 3], 10).is_err());
        let wide = Params::new([i32::MIN + 1, 0, 0], [i32::MAX, 0, 0], 10).expect("valid");
        assert_eq!(wide.large, Large::Separate { bits: [32, 1, 1] });
    }

    struct Collect(Vec<[i32; 3]>);
    impl Sink for Collect {
        fn put(&mut self, atom: usize, c: [i32; 3]) {
            assert_eq!(atom, self.0.len());
            self.0.push(c);
        }
    }

    #[test]
    fn decompress_never_panics_on_noise() {
        let mut rng = molsig_rng::SplitMix64::new(3);
        for round in 0..2_000 {
            let len = ((rng.next_u64() >> 11) % 200) as usize;
            let data: Vec<u8> = (0..len).map(|_| (rng.next_u64() >> 11) as u8).collect();
            let min = [((rng.next_u64() >> 11) as i32), -5, 0];
            let max = [
                min[0].saturating_add(((rng.next_u64() >> 11) % 1000) as i32),
                5,
                1 << (round % 31),
            ];
            let idx = FIRSTIDX as i32 + ((rng.next_u64() >> 11) % 64) as i32;
            let Ok(p) = Params::new(min, max, idx) else {
                continue;
            };
            let natoms = ((rng.next_u64() >> 11) % 500) as usize + 10;
            let mut sink = Collect(Vec::new());
            let r = decompress(&p, &data, natoms, natoms, &mut sink);
            if r.is_ok() {
                assert_eq!(sink.0.len(), natoms);
            } else {
                assert!(sink.0.len() < natoms);
            }
        }
    }
}
