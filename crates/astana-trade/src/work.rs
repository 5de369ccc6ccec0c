//! Sharing numbered pieces of a table (CSV byte ranges, Parquet row groups) among the
//! cores. Each core starts on a contiguous share of its own, front to back, and when it is
//! done takes pieces from the back of the largest share left. A table sorted by reporter
//! and year (as BACI and Comtrade are) then gives each core mostly its own reporter-years,
//! so the cores' groups overlap little (less memory, less to join), and the cores still
//! finish together.

use std::sync::Mutex;

pub(crate) struct Queue {
    /// Per core: the pieces `[front, back)` not yet taken.
    shares: Mutex<Vec<(usize, usize)>>,
}

impl Queue {
    /// `pieces` pieces shared among `cores` cores.
    pub(crate) fn new(pieces: usize, cores: usize) -> Queue {
        let cores = cores.max(1);
        let shares = (0..cores)
            .map(|c| (pieces * c / cores, pieces * (c + 1) / cores))
            .collect();
        Queue {
            shares: Mutex::new(shares),
        }
    }

    /// The next piece for core `core`, or None when every piece is taken.
    pub(crate) fn next(&self, core: usize) -> Option<usize> {
        // A panic elsewhere cannot leave the shares half-updated: take them as they are.
        let mut s = self.shares.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((front, back)) = s.get_mut(core) {
            if front < back {
                *front += 1;
                return Some(*front - 1);
            }
        }
        let (front, back) = s.iter_mut().max_by_key(|(f, b)| b.saturating_sub(*f))?;
        if front >= back {
            return None;
        }
        *back -= 1;
        Some(*back)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_is_taken_once_and_a_core_starts_on_its_own_share() {
        for (pieces, cores) in [(0, 2), (1, 2), (7, 2), (10, 3), (64, 4), (5, 8)] {
            let q = Queue::new(pieces, cores);
            let mut got: Vec<usize> = Vec::new();
            // Core 0 runs alone after its first piece: it then takes the others' pieces.
            let first: Vec<Option<usize>> = (0..cores).map(|c| q.next(c)).collect();
            for (c, f) in first.iter().enumerate() {
                if let Some(f) = f {
                    // With a share of its own (none is empty when pieces >= cores).
                    if pieces >= cores {
                        assert_eq!(*f, pieces * c / cores, "{pieces} {cores}");
                    }
                    got.push(*f);
                }
            }
            while let Some(p) = q.next(0) {
                got.push(p);
            }
            got.sort_unstable();
            assert_eq!(got, (0..pieces).collect::<Vec<_>>(), "{pieces} {cores}");
        }
    }
}
