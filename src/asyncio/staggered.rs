//! Happy Eyeballs (RFC 8305) as CPython 3.13's `create_connection` runs it:
//! `base_events._interleave_addrinfos` orders the addresses, `staggered.staggered_race` starts
//! a connection attempt, then the next one when the latest fails or `delay` seconds pass, and
//! keeps the first that succeeds.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

use tokio::time::{Duration, Sleep};

/// `_interleave_addrinfos(addrinfos, first_address_family_count)`: the addresses grouped by
/// family (in order of first appearance), then taken one per family in turn, after the first
/// `first_address_family_count - 1` of the first family.
pub(crate) fn interleave<T>(
    addrs: Vec<T>,
    family: impl Fn(&T) -> i32,
    first_address_family_count: usize,
) -> Vec<T> {
    let mut groups: Vec<(i32, std::collections::VecDeque<T>)> = Vec::new();
    for addr in addrs {
        let f = family(&addr);
        match groups.iter_mut().find(|(g, _)| *g == f) {
            Some((_, group)) => group.push_back(addr),
            None => groups.push((f, [addr].into())),
        }
    }
    let mut reordered = Vec::new();
    if let Some((_, first)) = groups.first_mut() {
        let head = first_address_family_count
            .saturating_sub(1)
            .min(first.len());
        reordered.extend(first.drain(..head));
    }
    while groups.iter().any(|(_, g)| !g.is_empty()) {
        for (_, group) in &mut groups {
            reordered.extend(group.pop_front());
        }
    }
    reordered
}

/// One connection attempt of [`staggered_race`], not started until it is polled.
pub(crate) type Attempt<'a, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'a>>;

/// `staggered_race(coro_fns, delay)`: runs `attempts` with staggered starts and returns the
/// first success, the others dropped (cancelled); or, when every attempt failed, their errors
/// in the order they started. The next attempt starts when the latest one fails, or `delay`
/// seconds after it started (`None`: only when it fails, one after the other; zero or less:
/// at once).
pub(crate) async fn staggered_race<T, E>(
    attempts: Vec<Attempt<'_, T, E>>,
    delay: Option<f64>,
) -> Result<T, Vec<E>> {
    let delay = delay.map(|d| Duration::try_from_secs_f64(d).unwrap_or(Duration::ZERO));
    let mut waiting = attempts.into_iter();
    // (start index, attempt), and each started attempt's error once it failed.
    let mut running = Vec::new();
    let mut errors: Vec<Option<E>> = Vec::new();
    let mut timer: Option<Pin<Box<Sleep>>> = None;
    let mut start_next = true;
    poll_fn(|cx| loop {
        if std::mem::take(&mut start_next) {
            if let Some(attempt) = waiting.next() {
                running.push((errors.len(), attempt));
                errors.push(None);
                timer = delay.map(|d| Box::pin(tokio::time::sleep(d)));
            } else {
                timer = None;
            }
        }
        let Some(latest) = errors.len().checked_sub(1) else {
            return Poll::Ready(Err(Vec::new()));
        };
        let mut i = 0;
        while i < running.len() {
            let (index, attempt) = &mut running[i];
            match attempt.as_mut().poll(cx) {
                Poll::Ready(Ok(winner)) => return Poll::Ready(Ok(winner)),
                Poll::Ready(Err(e)) => {
                    start_next |= *index == latest;
                    errors[*index] = Some(e);
                    drop(running.remove(i));
                }
                Poll::Pending => i += 1,
            }
        }
        if let Some(sleep) = &mut timer {
            if sleep.as_mut().poll(cx).is_ready() {
                start_next = true;
            }
        }
        if start_next && waiting.len() > 0 {
            continue;
        }
        if running.is_empty() {
            return Poll::Ready(Err(errors.drain(..).flatten().collect()));
        }
        return Poll::Pending;
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CPython 3.13's `_interleave_addrinfos` on the same lists (computed with it): families
    /// are the tens digit.
    #[test]
    fn interleave_is_cpythons() {
        let family = |x: &i32| x / 10;
        let cases: &[(&[i32], usize, &[i32])] = &[
            (&[11, 12, 21, 22, 13], 1, &[11, 21, 12, 22, 13]),
            (&[11, 12, 21, 22, 13], 2, &[11, 12, 21, 13, 22]),
            (&[21, 11, 12, 13, 22], 1, &[21, 11, 22, 12, 13]),
            (&[11, 12, 13], 1, &[11, 12, 13]),
            (&[11, 12, 21], 5, &[11, 12, 21]),
            (&[11, 21, 31, 12], 1, &[11, 21, 31, 12]),
            (&[], 1, &[]),
        ];
        for (input, count, expected) in cases {
            assert_eq!(
                interleave(input.to_vec(), family, *count),
                expected.to_vec(),
                "{input:?} {count}"
            );
        }
    }
}
