//! What protects sign-in: the throttling policy (pure, below) and the gate that bounds how
//! many password checks run at once.
//!
//! **Policy** (also in docs/reliability.md). Failures are counted over
//! [`FAILURE_WINDOW_SECONDS`] against three keys: the account (from anywhere), the account
//! *from this client address*, and the client address (whatever account).
//! - An account and address pair with [`PAIR_LIMIT`] failures is refused (429) until the
//!   window passes: one guesser cannot go on guessing one password.
//! - An address with [`ADDRESS_LIMIT`] failures is refused whatever the account: one guesser
//!   cannot spray a common password over every account.
//! - The account alone is never refused, only slowed (from [`SLOW_DOWN_AFTER`] failures, up
//!   to [`MAX_DELAY_MS`]): a stranger who knows someone's email can make that person wait a
//!   few seconds, never lock them out. A correct password from an address without recent
//!   failures always signs in.
//! - An attempt is counted as a failure *before* its password is checked, in the same
//!   transaction that reads the counts, so a burst of parallel attempts cannot slip past a
//!   limit; a correct password takes its own count back.

use std::net::IpAddr;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::domain::Invalid;

/// Failures count for this long.
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;
/// Failures of one account from one address before that pair is refused.
pub const PAIR_LIMIT: i64 = 10;
/// Failures from one address, over all accounts, before the address is refused.
pub const ADDRESS_LIMIT: i64 = 30;
/// Failures (of the pair or of the account from anywhere) before answers are slowed.
pub const SLOW_DOWN_AFTER: i64 = 3;
/// Each failure past [`SLOW_DOWN_AFTER`] adds this much delay…
const DELAY_STEP_MS: u64 = 500;
/// …up to this much.
pub const MAX_DELAY_MS: u64 = 3_000;

/// The keys an attempt is counted under, as stored in `login_failures`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub account: String,
    pub pair: String,
    pub address: String,
}

impl Keys {
    /// Keys for `email` (already trimmed and lower-cased) asked from `address`.
    pub fn new(email: &str, address: Option<IpAddr>) -> Self {
        let address = address.map_or_else(|| "unknown".to_owned(), |a| a.to_string());
        Self {
            account: format!("email:{email}"),
            pair: format!("pair:{email}|{address}"),
            address: format!("ip:{address}"),
        }
    }

    pub fn all(&self) -> [&str; 3] {
        [&self.account, &self.pair, &self.address]
    }
}

/// Recent failures under each key, in the order of [`Keys::all`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub account: i64,
    pub pair: i64,
    pub address: i64,
}

impl From<[i64; 3]> for Counts {
    fn from([account, pair, address]: [i64; 3]) -> Self {
        Self {
            account,
            pair,
            address,
        }
    }
}

/// What to do with an attempt, given the failures before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Refused without checking the password; the text says why and for how long.
    Refuse(&'static str),
    /// Check the password after waiting this long.
    Check { delay: Duration },
}

impl Decision {
    pub fn checks(&self) -> bool {
        matches!(self, Decision::Check { .. })
    }
}

/// The policy of the module documentation.
pub fn decide(counts: Counts) -> Decision {
    if counts.pair >= PAIR_LIMIT {
        return Decision::Refuse(
            "Too many failed sign-ins for this account from your address. Wait 15 minutes, \
             then try again, or ask an admin to reset your password.",
        );
    }
    if counts.address >= ADDRESS_LIMIT {
        return Decision::Refuse(
            "Too many failed sign-ins from your address. Wait 15 minutes, then try again.",
        );
    }
    let failures = counts.pair.max(counts.account);
    let steps = (failures - SLOW_DOWN_AFTER + 1).max(0) as u64;
    Decision::Check {
        delay: Duration::from_millis((steps * DELAY_STEP_MS).min(MAX_DELAY_MS)),
    }
}

/// Too many password checks are waiting already; try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// Bounds the password checks running at once (each Argon2id check holds 19 MiB) and those
/// waiting for a turn, so a burst of sign-ins cannot exhaust memory. Each running check
/// works in one of a fixed set of reusable memory areas rather than allocating its own.
pub struct PasswordGate {
    admitted: Semaphore,
    running: Semaphore,
    memories: Mutex<Vec<Vec<Block>>>,
    workers: Workers,
}

impl PasswordGate {
    /// `running` checks at once, at most `admitted` running or waiting.
    pub fn new(running: usize, admitted: usize) -> Self {
        let running = running.max(1);
        Self {
            admitted: Semaphore::new(admitted.max(running)),
            running: Semaphore::new(running),
            memories: Mutex::new(Vec::with_capacity(running)),
            workers: Workers::start(running),
        }
    }

    /// One check per core, and a queue a few seconds long at most.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let running = cores.min(4);
        Self::new(running, running * 16)
    }

    /// Hashes a new password (see [`crate::auth::hash_password`]) under the same bound as the
    /// checks, so setting passwords cannot exhaust memory either.
    pub async fn hash(&self, password: String) -> Result<Result<String, Invalid>, Busy> {
        let _admitted = self.admitted.try_acquire().map_err(|_| Busy)?;
        let _running = self.running.acquire().await.map_err(|_| Busy)?;
        self.workers
            .run(move || crate::auth::hash_password(&password))
            .await
    }

    /// Whether `password` matches `stored`; with no stored hash, spends the same effort on a
    /// decoy and says no. [`Busy`] when the queue is full.
    pub async fn verify(&self, stored: Option<String>, password: String) -> Result<bool, Busy> {
        let _admitted = self.admitted.try_acquire().map_err(|_| Busy)?;
        let _running = self.running.acquire().await.map_err(|_| Busy)?;
        let mut memory = self
            .memories
            .lock()
            .expect("no check panics holding the lock")
            .pop()
            .unwrap_or_default();
        let (matches, memory) = self
            .workers
            .run(move || {
                let hash = stored.as_deref().unwrap_or(crate::auth::decoy_hash());
                let matches = verify_in(&mut memory, hash, password.as_bytes());
                (matches && stored.is_some(), memory)
            })
            .await?;
        self.memories
            .lock()
            .expect("no check panics holding the lock")
            .push(memory);
        Ok(matches)
    }
}

/// How much less the password threads count for the scheduler than the threads answering
/// requests: at nice 10 a busy core gives them about a tenth of its time (weight 110 against
/// 1024), so a burst of sign-ins slows sign-ins, not every reader (docs/performance.md).
const PASSWORD_THREAD_NICE: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// The threads password hashes run on: as many as may run at once, each at
/// [`PASSWORD_THREAD_NICE`] for its whole life (lowering a thread's priority is allowed to
/// anyone, raising it back is not). They stop when the gate is dropped.
struct Workers {
    jobs: mpsc::Sender<Job>,
}

impl Workers {
    fn start(count: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for number in 0..count {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-check-{number}"))
                .spawn(move || {
                    lower_this_threads_priority();
                    // The lock is held only while waiting for the next job, never while one runs.
                    let next = || queue.lock().ok()?.recv().ok();
                    while let Some(job) = next() {
                        // A panicking hash must not take its thread, and with it every later
                        // check, down: its caller sees `Busy` (the answer is dropped).
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                })
                .expect("the system starts a thread");
        }
        Self { jobs }
    }

    /// Runs `work` on a password thread and waits for its answer without holding a worker.
    async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, Busy> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = answer.send(work());
            }))
            .map_err(|_| Busy)?;
        answered.await.map_err(|_| Busy)
    }
}

/// Lowers the calling thread's scheduling priority to [`PASSWORD_THREAD_NICE`]. On Linux the
/// nice value belongs to a thread, and `setpriority(PRIO_PROCESS, 0, …)` names the caller.
fn lower_this_threads_priority() {
    // SAFETY: setpriority reads only its integer arguments and touches no memory of ours.
    let failed = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, PASSWORD_THREAD_NICE) } != 0;
    if failed {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "password checks run at normal priority: could not lower it"
        );
    }
}

/// Checks `password` against the PHC string `stored`, computing in `memory` (grown to the
/// hash's own cost when needed) so that no check allocates its 19 MiB anew.
fn verify_in(memory: &mut Vec<Block>, stored: &str, password: &[u8]) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Ok(params), Some(salt), Some(expected)) =
        (Params::try_from(&parsed), parsed.salt, parsed.hash)
    else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let blocks = params.block_count();
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, &mut computed, &mut memory[..blocks])
        .is_ok()
        && crate::auth::same_secret_bytes(&computed, expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(account: i64, pair: i64, address: i64) -> Counts {
        Counts {
            account,
            pair,
            address,
        }
    }

    #[tokio::test]
    async fn password_work_runs_at_a_lower_priority_than_requests_and_survives_a_panic() {
        let workers = Workers::start(1);
        // SAFETY: getpriority reads only its integer arguments.
        let nice = workers
            .run(|| unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) })
            .await;
        assert_eq!(nice, Ok(PASSWORD_THREAD_NICE));
        let mine = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        assert_ne!(
            mine, PASSWORD_THREAD_NICE,
            "the caller's thread is untouched"
        );
        assert_eq!(
            workers.run(|| panic!("a broken hash")).await,
            Err::<(), _>(Busy)
        );
        assert_eq!(workers.run(|| 7).await, Ok(7), "the thread lives on");
    }

    #[test]
    fn a_pair_with_ten_failures_is_refused_but_the_account_alone_never_is() {
        assert!(!decide(counts(10, 10, 10)).checks());
        assert!(decide(counts(10, 9, 9)).checks());
        assert!(decide(counts(10_000, 0, 0)).checks());
    }

    #[test]
    fn an_address_spraying_many_accounts_is_refused() {
        assert!(!decide(counts(1, 1, ADDRESS_LIMIT)).checks());
        assert!(decide(counts(1, 1, ADDRESS_LIMIT - 1)).checks());
    }

    #[test]
    fn answers_slow_down_after_three_failures_and_the_delay_is_capped() {
        let delay = |c| match decide(c) {
            Decision::Check { delay } => delay,
            Decision::Refuse(why) => panic!("refused: {why}"),
        };
        assert_eq!(delay(counts(2, 2, 2)), Duration::ZERO);
        assert_eq!(delay(counts(3, 0, 0)), Duration::from_millis(500));
        assert_eq!(delay(counts(0, 4, 4)), Duration::from_millis(1000));
        assert_eq!(
            delay(counts(1_000, 0, 0)),
            Duration::from_millis(MAX_DELAY_MS)
        );
    }

    #[test]
    fn keys_separate_the_account_the_pair_and_the_address() {
        let keys = Keys::new("ann@example.com", Some("203.0.113.9".parse().unwrap()));
        assert_eq!(
            keys.all(),
            [
                "email:ann@example.com",
                "pair:ann@example.com|203.0.113.9",
                "ip:203.0.113.9"
            ]
        );
    }

    #[test]
    fn the_check_in_reused_memory_agrees_with_the_argon2_crate() {
        let hash = crate::auth::hash_password("correct horse battery").unwrap();
        let mut memory = Vec::new();
        assert!(verify_in(&mut memory, &hash, b"correct horse battery"));
        assert!(!verify_in(&mut memory, &hash, b"correct horse battery!"));
        assert!(!verify_in(&mut memory, "not a hash", b"x"));
        assert_eq!(memory.len(), Params::DEFAULT_M_COST as usize);
    }

    #[actix_web::test]
    async fn a_full_queue_answers_busy_instead_of_waiting() {
        let gate = PasswordGate::new(1, 1);
        let hash = crate::auth::hash_password("correct horse battery").unwrap();
        let (first, second) = tokio::join!(
            gate.verify(Some(hash.clone()), "correct horse battery".into()),
            gate.verify(Some(hash), "correct horse battery".into()),
        );
        // One ran; the other found the single place taken.
        assert_eq!(
            [first, second].iter().filter(|r| **r == Err(Busy)).count(),
            1
        );
        assert_eq!(gate.verify(None, "anything at all".into()).await, Ok(false));
    }
}
