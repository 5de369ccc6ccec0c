//! Replay: random interleavings applied one by one and replayed from the log give the
//! same views; rejected and repeated events leave the state unchanged.

use crate::{genius, setup, trans_caspian, Case};
use astana_mediation::{bot, Accept, Caller, Event, Mediation, Protocol, Status};
use serde_json::Value;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

/// Every caller's view, as JSON.
fn views(m: &Mediation) -> Vec<Value> {
    std::iter::once(Caller::Mediator)
        .chain((0..m.setup().parties.len()).map(Caller::Party))
        .map(|c| serde_json::to_value(m.view(c)).expect("json"))
        .collect()
}

/// Candidate events now: the bots' next actions, profiles and the start (some too early
/// or too late), and wrong ones: past and future rounds, unknown ids, a changed answer,
/// a repeat of an accepted event.
fn candidates(
    m: &Mediation,
    case: &Case,
    log: &[Event],
    rng: &mut Rng,
) -> (Vec<Event>, Vec<Event>) {
    let n = case.ids.len();
    let good: Vec<Event> = (0..n)
        .filter_map(|k| {
            let v = serde_json::to_value(m.view(Caller::Party(k))).ok()?;
            bot::act(&v).map(|a| a.event(k))
        })
        .collect();
    let mut c = Vec::new();
    let k = rng.below(n);
    let mut other = case.profiles[(k + 1) % n].clone();
    other.reservation = 0.0;
    c.push(Event::Profile {
        party: k,
        profile: case.profiles[k].clone(),
    });
    c.push(Event::Profile {
        party: k,
        profile: other,
    });
    c.push(Event::Start);
    let round = m.round();
    for (r, accept) in [
        (round.wrapping_sub(1), Accept::Text(true)),
        (round + 1, Accept::Text(false)),
        (round, Accept::Suggestions(vec!["S999".into()])),
        (round, Accept::Text(rng.below(2) == 0)),
        (
            round,
            Accept::Suggestions(vec![format!("S{}", rng.below(40))]),
        ),
    ] {
        c.push(Event::Respond {
            party: k,
            round: r,
            accept,
        });
    }
    if let Some(e) = log.last() {
        c.push(e.clone());
    }
    (good, c)
}

/// A few hundred seeded interleavings on Trans-Caspian and Laptop, both protocols. After
/// each event: a rejection (or an idempotent repeat) changed no view; at the end and at a
/// random midpoint, replaying the log gives exactly the views of the live state.
#[test]
fn random_interleavings_replay_identically() {
    let mut cases = vec![trans_caspian()];
    cases.extend(genius("Laptop"));
    let (mut trials, mut rejected, mut repeats, mut events, mut agreed) = (0, 0, 0, 0, 0);
    for case in &cases {
        for t in 0..150u64 {
            let protocol = if t % 2 == 0 {
                Protocol::SingleText
            } else {
                Protocol::BlindBidding
            };
            let mut rng = Rng(t.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let s = setup(case, protocol, 1 + rng.below(6) as u32, t);
            let mut m = Mediation::new(s.clone()).expect("setup");
            let mut log: Vec<Event> = Vec::new();
            let stop = 20 + rng.below(40);
            for step in 0..200 {
                let (good, mut c) = candidates(&m, case, &log, &mut rng);
                if good.is_empty() && m.status() != Status::WaitingProfiles {
                    break;
                }
                // Half the time a bot's next move (in a random party order), else any.
                if rng.below(2) == 0 && !good.is_empty() {
                    c = good;
                } else {
                    c.extend(good);
                }
                let e = c[rng.below(c.len())].clone();
                let before = views(&m);
                match m.apply(&e) {
                    Ok(true) => {
                        log.push(e);
                        events += 1;
                    }
                    Ok(false) => {
                        repeats += 1;
                        assert_eq!(views(&m), before, "an idempotent {e:?} changed a view");
                    }
                    Err(_) => {
                        rejected += 1;
                        assert_eq!(views(&m), before, "a rejected {e:?} changed a view");
                    }
                }
                if step == stop {
                    let r = Mediation::replay(s.clone(), &log).expect("replays");
                    assert_eq!(views(&r), views(&m), "midpoint");
                }
            }
            agreed += usize::from(m.outcome().is_some());
            let r = Mediation::replay(s, &log).expect("replays");
            assert_eq!(views(&r), views(&m), "{} trial {t}", case.name);
            trials += 1;
        }
    }
    eprintln!("{trials} interleavings: {events} events applied, {rejected} rejected, {repeats} idempotent repeats");
    assert!(rejected > 1000 && repeats > 100 && events > 1000);
    assert!(agreed > 100, "{agreed} agreements");
}
