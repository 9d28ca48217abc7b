//! The handshake and shutdown timers of every connection of a runtime, behind one tokio timer.
//!
//! Each connection arms a 60 s handshake timer and a 30 s shutdown timer and nearly always
//! cancels them. Given to tokio one by one, a timer earlier than every other armed one makes
//! tokio wake its driver (an eventfd write and a spurious `epoll_wait` return) whenever the
//! runtime had none armed, which for a server with one client at a time is two or three times
//! per connection. Here the deadlines of a runtime's connections are kept in one ordered map,
//! and one task, [`sleeper`], sleeps until the earliest (rounded up to [`GRAIN`]). Arming a
//! later deadline, or cancelling one, touches no tokio timer; the sleeper is moved earlier
//! only for a deadline before its own, and a cancelled earliest deadline is dropped lazily
//! (the sleeper wakes, finds nothing due, and sleeps until the next).
//!
//! Timers fire at their deadline or up to [`GRAIN`] later (tokio's own resolution is 1 ms;
//! the handshake and shutdown timeouts are tens of seconds).

use std::collections::BTreeMap;
use std::future::{poll_fn, Future};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Waker};

use tokio::runtime::{Handle, Id};
use tokio::time::{Duration, Instant};

/// How late a timer may fire: deadlines are rounded up to a multiple of it, so that
/// connections opened within one grain share the sleeper's wake-ups.
const GRAIN: Duration = Duration::from_millis(10);

/// A runtime's deadlines.
pub(crate) struct Timers {
    state: Mutex<State>,
    /// The grid deadlines are rounded to starts here.
    epoch: Instant,
}

#[derive(Default)]
struct State {
    /// Armed deadlines, earliest first, each with the waker of the task to wake.
    armed: BTreeMap<(Instant, u64), Waker>,
    next_key: u64,
    /// When the sleeper will wake (`None`: it waits for a deadline).
    sleeper_at: Option<Instant>,
    sleeper: Option<Waker>,
    /// How often the sleeper re-armed its tokio timer (what the tests watch).
    #[cfg(test)]
    rearms: usize,
    /// How often the sleeper ran.
    #[cfg(test)]
    wakeups: usize,
}

impl Timers {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `at` moved up to the grid.
    fn round_up(&self, at: Instant) -> Instant {
        let since = at.saturating_duration_since(self.epoch);
        let grains = since.as_nanos().div_ceil(GRAIN.as_nanos());
        let rounded = u32::try_from(grains)
            .ok()
            .and_then(|g| GRAIN.checked_mul(g))
            .and_then(|d| self.epoch.checked_add(d));
        rounded.unwrap_or(at)
    }
}

thread_local! {
    /// This thread's runtime's [`Timers`], to find them without the global lock.
    static CACHED: std::cell::RefCell<Option<(Id, Weak<Timers>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Each runtime's [`Timers`], for threads that have not cached theirs.
static REGISTRY: Mutex<Vec<(Id, Weak<Timers>)>> = Mutex::new(Vec::new());

/// The current runtime's timers, created (with their sleeper task) on first use. Must be
/// called from within a runtime.
fn current() -> Arc<Timers> {
    let handle = Handle::current();
    let id = handle.id();
    let cached = CACHED.with_borrow(|c| {
        c.as_ref()
            .filter(|(cid, _)| *cid == id)
            .and_then(|(_, t)| t.upgrade())
    });
    if let Some(timers) = cached {
        return timers;
    }
    let timers = {
        let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
        // A runtime that shut down dropped its sleeper and with it its timers.
        registry.retain(|(_, t)| t.strong_count() > 0);
        match registry
            .iter()
            .find(|(rid, _)| *rid == id)
            .and_then(|(_, t)| t.upgrade())
        {
            Some(timers) => timers,
            None => {
                let timers = Arc::new(Timers {
                    state: Mutex::new(State::default()),
                    epoch: Instant::now(),
                });
                registry.push((id, Arc::downgrade(&timers)));
                handle.spawn(sleeper(timers.clone()));
                timers
            }
        }
    };
    CACHED.set(Some((id, Arc::downgrade(&timers))));
    timers
}

/// The task that fires a runtime's due timers. It owns the [`Timers`]: when the runtime
/// shuts down and drops it, they go too, and a new runtime on this thread makes new ones.
async fn sleeper(timers: Arc<Timers>) {
    let mut sleep = Box::pin(tokio::time::sleep_until(Instant::now()));
    let mut armed_at: Option<Instant> = None;
    poll_fn(|cx| loop {
        let now = Instant::now();
        let mut due = Vec::new();
        let next = {
            let mut state = timers.lock();
            #[cfg(test)]
            {
                state.wakeups += 1;
            }
            while let Some(entry) = state.armed.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                due.push(entry.remove());
            }
            if !state
                .sleeper
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                state.sleeper = Some(cx.waker().clone());
            }
            let next = state
                .armed
                .first_key_value()
                .map(|((at, _), _)| timers.round_up(*at));
            state.sleeper_at = next;
            next
        };
        // Woken outside the lock: their tasks may run on other threads at once.
        due.into_iter().for_each(Waker::wake);
        let Some(at) = next else {
            armed_at = None;
            return Poll::<()>::Pending;
        };
        if armed_at != Some(at) {
            sleep.as_mut().reset(at);
            armed_at = Some(at);
            #[cfg(test)]
            {
                timers.lock().rearms += 1;
            }
        }
        if sleep.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
    })
    .await
}

/// One connection's timer: at most one deadline armed at a time.
#[derive(Default)]
pub(crate) struct Timer {
    armed: Option<(Arc<Timers>, (Instant, u64))>,
}

impl Timer {
    /// `Ready` once `at` has passed; until then the task of `cx` is woken when it does.
    /// Must be polled from within a tokio runtime.
    pub(crate) fn poll_until(&mut self, cx: &mut Context<'_>, at: Instant) -> Poll<()> {
        if Instant::now() >= at {
            self.cancel();
            return Poll::Ready(());
        }
        if let Some((timers, key)) = &self.armed {
            if key.0 == at {
                let mut state = timers.lock();
                if let Some(waker) = state.armed.get_mut(key) {
                    if !waker.will_wake(cx.waker()) {
                        *waker = cx.waker().clone();
                    }
                }
                return Poll::Pending;
            }
        }
        self.cancel();
        let timers = current();
        let sleeper = {
            let mut state = timers.lock();
            let key = (at, state.next_key);
            state.next_key += 1;
            state.armed.insert(key, cx.waker().clone());
            self.armed = Some((timers.clone(), key));
            // The sleeper wakes at or after a grain boundary; only an earlier one moves it.
            match state.sleeper_at {
                Some(s) if s <= timers.round_up(at) => None,
                _ => state.sleeper.clone(),
            }
        };
        if let Some(sleeper) = sleeper {
            sleeper.wake();
        }
        Poll::Pending
    }

    /// Disarms the timer (the connection's deadline was met or replaced).
    pub(crate) fn cancel(&mut self) {
        if let Some((timers, key)) = self.armed.take() {
            timers.lock().armed.remove(&key);
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    /// Waits on a timer armed for `delay` from now; returns when it fired.
    async fn wait(delay: Duration) -> (Instant, Instant) {
        let at = Instant::now() + delay;
        let mut timer = Timer::default();
        poll_fn(|cx| timer.poll_until(cx, at)).await;
        (at, Instant::now())
    }

    #[test]
    fn a_timer_fires_at_its_deadline_never_before() {
        runtime().block_on(async {
            for ms in [0, 1, 15, 40] {
                let (at, fired) = wait(Duration::from_millis(ms)).await;
                assert!(fired >= at, "fired {:?} early", at - fired);
            }
        });
    }

    #[test]
    fn an_earlier_deadline_armed_later_fires_first() {
        runtime().block_on(async {
            let late = tokio::spawn(wait(Duration::from_secs(30)));
            tokio::task::yield_now().await;
            let (at, fired) = wait(Duration::from_millis(20)).await;
            assert!(fired >= at);
            assert!(!late.is_finished());
            late.abort();
        });
    }

    #[test]
    fn a_cancelled_timer_wakes_no_one_and_leaves_nothing_armed() {
        runtime().block_on(async {
            let at = Instant::now() + Duration::from_millis(20);
            let mut timer = Timer::default();
            let woken = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let waker = Waker::from(Arc::new(Flag(woken.clone())));
            assert!(timer
                .poll_until(&mut Context::from_waker(&waker), at)
                .is_pending());
            timer.cancel();
            assert!(current().lock().armed.is_empty());
            tokio::time::sleep(Duration::from_millis(60)).await;
            assert!(!woken.load(std::sync::atomic::Ordering::SeqCst));
        });
    }

    struct Flag(Arc<std::sync::atomic::AtomicBool>);

    impl std::task::Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// What removes the per-connection wake-ups: connections arming deadlines later than the
    /// sleeper's, then cancelling them, never re-arm its tokio timer.
    #[test]
    fn later_deadlines_do_not_move_the_sleeper() {
        runtime().block_on(async {
            let first = tokio::spawn(wait(Duration::from_secs(30)));
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
            let timers = current();
            let (before, woken) = {
                let state = timers.lock();
                (state.rearms, state.wakeups)
            };
            assert_eq!(before, 1);
            for i in 0..100u64 {
                let at = Instant::now() + Duration::from_secs(60 + i);
                let mut timer = Timer::default();
                let waker = Waker::noop();
                assert!(timer
                    .poll_until(&mut Context::from_waker(waker), at)
                    .is_pending());
                tokio::task::yield_now().await;
            }
            assert_eq!(timers.lock().rearms, before);
            assert_eq!(timers.lock().wakeups, woken);
            assert_eq!(timers.lock().armed.len(), 1);
            first.abort();
        });
    }

    /// A thread that runs one runtime after another gets timers that work in each (its cache
    /// names the first runtime, whose sleeper is gone).
    #[test]
    fn each_runtime_on_a_thread_has_working_timers() {
        for _ in 0..3 {
            runtime().block_on(async {
                let (at, fired) = wait(Duration::from_millis(5)).await;
                assert!(fired >= at);
            });
        }
    }

    #[test]
    fn multi_thread_runtimes_share_one_sleeper() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let tasks: Vec<_> = (0..20u64)
                .map(|i| tokio::spawn(wait(Duration::from_millis(i % 7))))
                .collect();
            for t in tasks {
                let (at, fired) = t.await.expect("task");
                assert!(fired >= at);
            }
            let a = tokio::spawn(async { Arc::as_ptr(&current()) as usize });
            let b = tokio::spawn(async { Arc::as_ptr(&current()) as usize });
            assert_eq!(a.await.expect("a"), b.await.expect("b"));
        });
    }
}
