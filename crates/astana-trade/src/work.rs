//! Sharing numbered pieces of a table (CSV byte ranges, Parquet row groups) among the
//! cores. Each core starts on a contiguous share of its own, front to back, and when it is
//! done takes pieces from the back of the largest share left. A table sorted by reporter
//! and year (as BACI and Comtrade are) then gives each core mostly its own reporter-years,
//! so the cores' groups overlap little (less memory, less to join), and the cores still
//! finish together.

use crate::group::{Builder, Fixed, Refused};
use crate::By;
use std::sync::Mutex;

/// Runs `work(piece, builder, state)` for every piece on all cores, one [`Builder`] and one
/// `S` per core; `work` returns false for a piece it does not take. Stops every core at
/// the first refusal, or when a core holds more than its share of `most` groups.
pub(crate) fn on_cores<S: Default>(
    pieces: usize,
    (by, fixed): (By, Fixed<'_>),
    most: usize,
    work: impl Fn(usize, &mut Builder, &mut S) -> bool + Sync,
) -> Result<Vec<Builder>, Refused> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let queue = Queue::new(pieces, cores);
    let failed = Mutex::new(None);
    let fail = |why: Refused| {
        *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
        None
    };
    let run = |core: usize| {
        let mut b = Builder::new(by, fixed);
        let mut state = S::default();
        while let Some(k) = queue.next(core) {
            if failed.lock().map_or(true, |f| f.is_some()) {
                return None;
            }
            if !work(k, &mut b, &mut state) {
                return fail(Refused::NotPlain);
            }
            if b.groups() > most / cores {
                return fail(Refused::TooManyGroups);
            }
        }
        Some(b)
    };
    let builders: Vec<Option<Builder>> = std::thread::scope(|s| {
        let run = &run;
        let handles: Vec<_> = (0..cores).map(|c| s.spawn(move || run(c))).collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    if let Some(why) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(why);
    }
    builders
        .into_iter()
        .collect::<Option<_>>()
        .ok_or(Refused::NotPlain)
}

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
