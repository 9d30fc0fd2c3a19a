//! Cuts off request bodies that trickle in: after a grace period, each second allows
//! `bytes_per_sec` more bytes of body (like Apache's `RequestReadTimeout body=...,MinRate=...`),
//! so a client cannot hold a request (and its upstream connection) open by sending a byte now
//! and then.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::request_error::RequestError;

#[derive(Debug, Clone, Copy)]
pub(crate) struct MinBodyRate {
    /// 0 turns the check off.
    pub(crate) bytes_per_sec: u64,
    /// Time the body may take before the rate applies.
    pub(crate) grace: Duration,
}

/// Runs `handler` with the request body watched; once it has been too slow, the answer is 408
/// and the connection closes, whatever the handler made of the broken-off body.
pub(crate) async fn enforce<F, Fut>(rate: MinBodyRate, request: Request, handler: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    use http_body::Body as _;
    if rate.bytes_per_sec == 0 || request.body().is_end_stream() {
        return handler(request).await;
    }
    let too_slow = Arc::new(AtomicBool::new(false));
    let watched = Arc::clone(&too_slow);
    let request = request.map(|body| Body::new(RateWatchedBody::new(body, rate, watched)));
    let response = handler(request).await;
    if !too_slow.load(Ordering::Relaxed) {
        return response;
    }
    let mut response = RequestError::BodyTooSlow {
        bytes_per_sec: rate.bytes_per_sec,
    }
    .into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
struct TooSlow;

struct RateWatchedBody {
    inner: Body,
    rate: MinBodyRate,
    started: Instant,
    received: u64,
    /// Fires when the body is late, given what has arrived so far.
    deadline: Pin<Box<Sleep>>,
    too_slow: Arc<AtomicBool>,
}

impl RateWatchedBody {
    fn new(inner: Body, rate: MinBodyRate, too_slow: Arc<AtomicBool>) -> Self {
        let started = Instant::now();
        Self {
            inner,
            rate,
            started,
            received: 0,
            deadline: Box::pin(tokio::time::sleep_until(started + rate.grace)),
            too_slow,
        }
    }

    fn due(&self) -> Instant {
        let allowance =
            Duration::from_secs_f64(self.received as f64 / self.rate.bytes_per_sec as f64);
        self.started + self.rate.grace + allowance
    }
}

impl http_body::Body for RateWatchedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if this.too_slow.load(Ordering::Relaxed) {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received = this.received.saturating_add(data.len() as u64);
                    let due = this.due();
                    this.deadline.as_mut().reset(due);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(end_or_error) => Poll::Ready(end_or_error),
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    this.too_slow.store(true, Ordering::Relaxed);
                    Poll::Ready(Some(Err(axum::Error::new(TooSlow))))
                } else {
                    Poll::Pending
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use futures_util::StreamExt;
    use http_body::Body as _;

    fn rate() -> MinBodyRate {
        MinBodyRate {
            bytes_per_sec: 1000,
            grace: Duration::from_secs(1),
        }
    }

    /// A body that sends `chunk` every `every`, forever.
    fn trickle(chunk: &'static [u8], every: Duration) -> Body {
        Body::from_stream(
            futures_util::stream::repeat(chunk).then(move |chunk| async move {
                tokio::time::sleep(every).await;
                Ok::<_, std::io::Error>(Bytes::from_static(chunk))
            }),
        )
    }

    /// Reads up to `limit` bytes; at most 5 s.
    async fn read(mut body: RateWatchedBody, limit: u64) -> Result<u64, axum::Error> {
        let reading = async {
            let mut total = 0;
            while total < limit {
                let Some(frame) =
                    std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
                else {
                    break;
                };
                total += frame?.into_data().map_or(0, |data| data.len() as u64);
            }
            Ok(total)
        };
        tokio::time::timeout(Duration::from_secs(5), reading)
            .await
            .expect("the body was neither read nor cut off within 5 s")
    }

    #[tokio::test]
    async fn a_trickle_is_cut_after_the_grace_period() {
        let flag = Arc::new(AtomicBool::new(false));
        // 10 bytes a second: due 1 s + 1 ms a byte after the start.
        let body = RateWatchedBody::new(
            trickle(b"x", Duration::from_millis(100)),
            rate(),
            Arc::clone(&flag),
        );
        assert!(read(body, u64::MAX).await.is_err());
        assert!(flag.load(Ordering::Relaxed));
    }

    #[tokio::test]
    async fn a_body_above_the_rate_goes_through() {
        let flag = Arc::new(AtomicBool::new(false));
        // 4,000 bytes a second, four times the minimum: 4,000 bytes in 1 s.
        let body = RateWatchedBody::new(
            trickle(&[b'y'; 200], Duration::from_millis(50)),
            rate(),
            Arc::clone(&flag),
        );
        assert_eq!(read(body, 4000).await.unwrap(), 4000);
        assert!(!flag.load(Ordering::Relaxed));
    }

    #[tokio::test]
    async fn sizes_are_the_inner_body_s() {
        let flag = Arc::new(AtomicBool::new(false));
        let body = RateWatchedBody::new(Body::from("12345"), rate(), flag);
        assert_eq!(body.size_hint().exact(), Some(5));
        assert!(!body.is_end_stream());
    }
}
