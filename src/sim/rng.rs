//! A tiny deterministic random source for the simulator.
//!
//! Owns: a stable 64-bit hash (FNV-1a) and a SplitMix64 generator. Answers, ids and chunk
//! sizes must be reproducible from `seed + persona + prompt` across Rust and crate
//! versions, which `std`'s `DefaultHasher` and `rand`'s `StdRng` do not promise; these two
//! algorithms are fixed forever. Does not own: any choice of *what* to generate.

/// FNV-1a over several byte strings, each followed by a separator so that
/// `["ab", "c"]` and `["a", "bc"]` hash differently.
pub fn hash_parts(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64: fast, tiny, and good enough for picking phrases.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn from_parts(parts: &[&[u8]]) -> Self {
        Rng(hash_parts(parts))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `0` when `n == 0` so callers never divide by zero.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent / 100`.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of `items`, or `""` for an empty list.
    pub fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        if items.is_empty() {
            return "";
        }
        &items[self.below(items.len())]
    }

    /// Up to `n` distinct indices of `0..len`, in random order.
    pub fn distinct(&mut self, len: usize, n: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..len).collect();
        for i in (1..idx.len()).rev() {
            let j = self.below(i + 1);
            idx.swap(i, j);
        }
        idx.truncate(n);
        idx
    }

    /// `n` lowercase hex digits, for ids.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn hash_separates_parts() {
        assert_ne!(hash_parts(&[b"ab", b"c"]), hash_parts(&[b"a", b"bc"]));
    }

    #[test]
    fn helpers_handle_empty_inputs() {
        let mut r = Rng::new(1);
        assert_eq!(r.below(0), 0);
        assert_eq!(r.pick(&[]), "");
        assert!(r.distinct(0, 3).is_empty());
        assert_eq!(r.distinct(5, 3).len(), 3);
        assert_eq!(r.hex(24).len(), 24);
    }
}
