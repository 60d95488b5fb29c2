//! A bounded, deterministic sample of one time bucket's latencies.

/// Most latency samples kept per time bucket.
const SAMPLES_PER_BUCKET: usize = 4096;

/// A bounded, deterministic sample of a bucket's latencies (microseconds): every value until
/// the buffer fills, then every 2nd, 4th, ... value, so memory stays bounded on long runs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sampler {
    pub(super) values: Vec<u32>,
    stride: u32,
    seen: u32,
}

impl Sampler {
    #[inline]
    pub fn push(&mut self, v: u32) {
        self.stride = self.stride.max(1);
        self.seen = self.seen.wrapping_add(1);
        if !self.seen.is_multiple_of(self.stride) {
            return;
        }
        self.values.push(v);
        if self.values.len() >= SAMPLES_PER_BUCKET {
            let mut i: u32 = 0;
            self.values.retain(|_| {
                i += 1;
                i.is_multiple_of(2)
            });
            self.stride *= 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampler_is_bounded_and_keeps_the_distribution() {
        let mut s = Sampler::default();
        for i in 0..1_000_000u32 {
            s.push(i % 1000);
        }
        assert!(s.values.len() < SAMPLES_PER_BUCKET);
        let mut v = s.values.clone();
        v.sort_unstable();
        let median = v[v.len() / 2];
        assert!((450..550).contains(&median), "{median}");
        // A systematic sample: evenly spaced, every `stride`-th value, the stride doubling.
        let mut s = Sampler::default();
        for v in 0..100_000u32 {
            s.push(v);
        }
        assert!(s.stride > 1 && s.stride.is_power_of_two(), "{}", s.stride);
        assert!(s.values.windows(2).all(|w| w[1] - w[0] == s.stride));
    }
}
