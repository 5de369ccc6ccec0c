//! Synthetic forums, since real request data is not public. Distributions (all seeded):
//!
//! - Delegations: sizes 1 + geometric with mean ≈ 5 (capped at 40); each has a head whose
//!   priority is 1 (head of state or government) for 3 % of delegations, 2 (minister) for
//!   12 %, 3 for 30 %, 4 for 35 % and 5 otherwise; members rank one to three levels below.
//! - Roles follow priority: head of state/government, minister, deputy minister or
//!   ambassador, official or business leader, expert.
//! - Presence: 70 % stay for the whole forum, 20 % arrive late (up to half-way), 10 % leave
//!   early (after half-way).
//! - Requests: between two delegations (a third participant in 20 % of requests); the
//!   requesting side in proportion to delegation size, the requested side skewed toward
//!   senior delegations (weight ∝ 1 / priority² of its head); a request's priority is the
//!   more senior of the two sides', plus one level in 30 % of cases; 85 % last one slot, 15 %
//!   two. No pair is requested twice.
//! - Panels: 3–5 speakers drawn with the same seniority skew, 1–2 slots, audiences
//!   log-uniform between 50 and 800.
//! - Rooms: bilateral rooms seat 4 (70 %), 6 (20 %) or 10 (10 %); halls seat 150–1,000.

use std::collections::HashSet;
use std::fmt::Write;

/// Sizes of a synthetic forum.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Participants.
    pub participants: usize,
    /// Requests.
    pub requests: usize,
    /// Panels.
    pub panels: usize,
    /// Days.
    pub days: usize,
    /// Slots per day.
    pub slots_per_day: usize,
    /// Bilateral rooms.
    pub bilateral_rooms: usize,
    /// Halls.
    pub halls: usize,
    /// Seed.
    pub seed: u64,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// An index drawn with probability proportional to `w`, using cumulative weights.
    fn pick(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let x = self.unit() * total;
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len().saturating_sub(1))
    }
}

/// Most participants the generator writes (about 70 bytes each).
pub const MAX_PARTICIPANTS: usize = 1_000_000;
/// Most requests (about 30 bytes each).
pub const MAX_REQUESTS: usize = 5_000_000;
/// Most panels.
pub const MAX_PANELS: usize = 100_000;
/// Most rooms of each kind.
pub const MAX_ROOMS: usize = 100_000;
/// Most slots a day: 30-minute slots from 08:00 end by midnight.
pub const MAX_SLOTS_PER_DAY: usize = 32;
/// Most days: the forum's days are in June 2025.
pub const MAX_DAYS: usize = 30;

impl Spec {
    /// Checks the sizes before anything is allocated.
    ///
    /// # Errors
    /// Which size is out of range, and its limit.
    pub fn check(&self) -> Result<(), String> {
        let limits = [
            ("--participants", self.participants, 1, MAX_PARTICIPANTS),
            ("--requests", self.requests, 0, MAX_REQUESTS),
            ("--panels", self.panels, 0, MAX_PANELS),
            ("--bilateral-rooms", self.bilateral_rooms, 0, MAX_ROOMS),
            ("--halls", self.halls, 0, MAX_ROOMS),
            ("--days", self.days, 1, MAX_DAYS),
            ("--slots-per-day", self.slots_per_day, 1, MAX_SLOTS_PER_DAY),
        ];
        for (flag, v, lo, hi) in limits {
            if v < lo || v > hi {
                return Err(format!(
                    "{flag} {v} is out of range: the generator takes {lo} to {hi}"
                ));
            }
        }
        if self.days * self.slots_per_day > crate::model::MAX_SLOTS {
            return Err(format!(
                "{} days × {} slots is more than {} slots in all (a forum's limit)",
                self.days,
                self.slots_per_day,
                crate::model::MAX_SLOTS
            ));
        }
        Ok(())
    }
}

/// A generated forum: its files and what they hold.
#[derive(Clone, Debug)]
pub struct Generated {
    /// (file name, text).
    pub files: Vec<(&'static str, String)>,
    /// Participants written.
    pub participants: usize,
    /// Delegations drawn.
    pub delegations: usize,
    /// Requests written: fewer than asked when there are not enough pairs of delegations.
    pub requests: usize,
    /// Panels written.
    pub panels: usize,
}

/// A synthetic forum after checking the sizes ([`Spec::check`]).
///
/// # Errors
/// A size out of range.
pub fn generate_checked(spec: &Spec) -> Result<Generated, String> {
    spec.check()?;
    Ok(build(spec))
}

/// The files of a synthetic forum as (name, text). Sizes out of range are clamped to the
/// nearest allowed value; see [`generate_checked`] for an error instead.
pub fn generate(spec: &Spec) -> Vec<(&'static str, String)> {
    let clamped = Spec {
        participants: spec.participants.clamp(1, MAX_PARTICIPANTS),
        requests: spec.requests.min(MAX_REQUESTS),
        panels: spec.panels.min(MAX_PANELS),
        bilateral_rooms: spec.bilateral_rooms.min(MAX_ROOMS),
        halls: spec.halls.min(MAX_ROOMS),
        days: spec.days.clamp(1, MAX_DAYS),
        slots_per_day: spec
            .slots_per_day
            .clamp(1, MAX_SLOTS_PER_DAY)
            .min(crate::model::MAX_SLOTS / spec.days.clamp(1, MAX_DAYS)),
        seed: spec.seed,
    };
    build(&clamped).files
}

fn build(spec: &Spec) -> Generated {
    let mut rng = Rng(spec.seed ^ 0x0f02_u64);
    let per_day = spec.slots_per_day.max(1);
    let horizon = spec.days.max(1) * per_day;
    // Delegations.
    let mut delegation_of = Vec::with_capacity(spec.participants);
    let mut priority = Vec::with_capacity(spec.participants);
    let mut heads: Vec<usize> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    while delegation_of.len() < spec.participants {
        let d = heads.len();
        let mut size = 1;
        while rng.unit() < 0.8 && size < 40 {
            size += 1;
        }
        let size = size.min(spec.participants - delegation_of.len());
        let u = rng.unit();
        let head_p: u8 = if u < 0.03 {
            1
        } else if u < 0.15 {
            2
        } else if u < 0.45 {
            3
        } else if u < 0.80 {
            4
        } else {
            5
        };
        heads.push(delegation_of.len());
        let mut mine = Vec::new();
        for k in 0..size {
            mine.push(delegation_of.len());
            delegation_of.push(d);
            let p = if k == 0 {
                head_p
            } else {
                (head_p + 1 + rng.below(3) as u8).min(5)
            };
            priority.push(p);
        }
        members.push(mine);
    }
    let role = |p: u8| match p {
        1 => "head of state or government",
        2 => "minister",
        3 => "deputy minister or ambassador",
        4 => "official or business leader",
        _ => "expert",
    };
    let mut participants = String::from("id,name,delegation,role,priority,arrives,departs\n");
    for (i, (&d, &p)) in delegation_of.iter().zip(&priority).enumerate() {
        let u = rng.unit();
        let (a, b) = if u < 0.7 {
            (0, horizon - 1)
        } else if u < 0.9 {
            (rng.below(horizon / 2 + 1), horizon - 1)
        } else {
            (0, horizon / 2 + rng.below(horizon - horizon / 2))
        };
        let _ = writeln!(
            participants,
            "P{i:05},Participant {i},D{d:04},{},{p},{}:{},{}:{}",
            role(p),
            a / per_day,
            a % per_day,
            b / per_day,
            b % per_day
        );
    }
    // Seniority skew over delegations (1 / priority² of the head) and size weights.
    let mut senior = Vec::new();
    let mut sized = Vec::new();
    let (mut cs, mut cz) = (0.0, 0.0);
    for (d, m) in members.iter().enumerate() {
        let p = f64::from(priority[heads[d]]);
        cs += 1.0 / (p * p);
        cz += m.len() as f64;
        senior.push(cs);
        sized.push(cz);
    }
    let delegate = |rng: &mut Rng, d: usize| -> usize {
        let m = &members[d];
        // The head attends most meetings; otherwise a member.
        if rng.unit() < 0.6 {
            m[0]
        } else {
            m[rng.below(m.len())]
        }
    };
    let mut requests = String::from("id,participants,priority,slots\n");
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    let mut made = 0;
    let mut tries = 0;
    // No pair of delegations is requested twice: never more requests than pairs.
    let wanted = spec
        .requests
        .min(members.len() * members.len().saturating_sub(1) / 2);
    while made < wanted && tries < wanted.saturating_mul(50) {
        tries += 1;
        let a = rng.pick(&sized);
        let b = rng.pick(&senior);
        if a == b || !pairs.insert((a.min(b), a.max(b))) {
            continue;
        }
        let mut people = vec![delegate(&mut rng, a), delegate(&mut rng, b)];
        if rng.unit() < 0.2 {
            let c = rng.pick(&senior);
            let x = delegate(&mut rng, c);
            if !people.contains(&x) {
                people.push(x);
            }
        }
        let top = people.iter().map(|&x| priority[x]).min().unwrap_or(5);
        let p = if rng.unit() < 0.3 {
            (top + 1).min(5)
        } else {
            top
        };
        let len = if rng.unit() < 0.85 { 1 } else { 2 };
        let ids: Vec<String> = people.iter().map(|x| format!("P{x:05}")).collect();
        let _ = writeln!(requests, "R{made:05},{},{p},{len}", ids.join(";"));
        made += 1;
    }
    let mut panels = String::from("id,title,speakers,slots,audience\n");
    for k in 0..spec.panels {
        let n = 3 + rng.below(3);
        let mut speakers: Vec<usize> = Vec::new();
        let mut guard = 0;
        while speakers.len() < n && guard < 100 {
            guard += 1;
            let d = rng.pick(&senior);
            let x = delegate(&mut rng, d);
            if !speakers.contains(&x) {
                speakers.push(x);
            }
        }
        let ids: Vec<String> = speakers.iter().map(|x| format!("P{x:05}")).collect();
        let audience = (50.0 * (16.0f64).powf(rng.unit())).round() as u32;
        let _ = writeln!(
            panels,
            "PN{k:03},Panel {k},{},{},{audience}",
            ids.join(";"),
            1 + rng.below(2)
        );
    }
    let mut rooms = String::from("id,name,kind,capacity\n");
    for k in 0..spec.bilateral_rooms {
        let u = rng.unit();
        let cap = if u < 0.7 {
            4
        } else if u < 0.9 {
            6
        } else {
            10
        };
        let _ = writeln!(rooms, "B{k:03},Meeting room {k},bilateral,{cap}");
    }
    for k in 0..spec.halls {
        let cap = 150 + (850 * (k + 1)) / spec.halls.max(1);
        let _ = writeln!(rooms, "H{k:02},Hall {k},hall,{cap}");
    }
    // June 2025: up to 30 days.
    let days: Vec<String> = (0..spec.days.clamp(1, 30))
        .map(|d| format!("\"2025-06-{:02}\"", d + 1))
        .collect();
    let slots: Vec<String> = (0..per_day)
        .map(|s| {
            let m = 8 * 60 + 30 * s;
            format!("\"{:02}:{:02}\"", m / 60, m % 60)
        })
        .collect();
    let forum = format!(
        "# A synthetic forum generated by `astana forum generate` (seed {}); see the distributions\n# documented in the astana-forum-scheduler crate.\nname = \"Synthetic forum (seed {})\"\ntimezone = \"Asia/Almaty\"\ndays = [{}]\nslots = [{}]\nslot_minutes = 30\n",
        spec.seed,
        spec.seed,
        days.join(", "),
        slots.join(", ")
    );
    Generated {
        files: vec![
            ("forum.toml", forum),
            ("rooms.csv", rooms),
            ("participants.csv", participants),
            ("requests.csv", requests),
            ("panels.csv", panels),
        ],
        participants: delegation_of.len(),
        delegations: members.len(),
        requests: made,
        panels: spec.panels,
    }
}
