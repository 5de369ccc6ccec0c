//! A few parked worker threads that run jobs for Python callers. Starting a thread per call
//! costs tens of microseconds, more than a small voting game takes; waking a parked one
//! costs a few. A job whose caller was interrupted keeps its thread until it ends; the next
//! call then takes another idle thread or starts one.

use std::sync::mpsc::{self, Sender};
use std::sync::Mutex;

/// Work for a thread.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// At most this many threads wait idle; more end after their job.
const MAX_IDLE: usize = 4;

static IDLE: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

fn idle() -> std::sync::MutexGuard<'static, Vec<Sender<Job>>> {
    IDLE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `job` on an idle worker, or on a new one.
pub(crate) fn submit(mut job: Job) -> std::io::Result<()> {
    loop {
        let Some(tx) = idle().pop() else { break };
        match tx.send(job) {
            Ok(()) => return Ok(()),
            // That worker is gone (it panicked): try the next.
            Err(mpsc::SendError(j)) => job = j,
        }
    }
    let (tx, rx) = mpsc::channel::<Job>();
    // Queued before the thread starts; the worker keeps its own sender to offer itself
    // back to the pool after each job.
    tx.send(job)
        .map_err(|_| std::io::Error::other("worker channel closed"))?;
    std::thread::Builder::new()
        .name("astana-worker".into())
        .spawn(move || {
            for job in rx.iter() {
                job();
                let mut pool = idle();
                if pool.len() >= MAX_IDLE {
                    return;
                }
                pool.push(tx.clone());
            }
        })?;
    Ok(())
}
