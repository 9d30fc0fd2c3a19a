//! Follows the request framing in a connection's raw bytes, to catch what hyper accepts silently:
//! `Content-Length` together with `Transfer-Encoding` (hyper drops the length and uses chunked)
//! and repeated equal `Content-Length`s (hyper keeps one). Neither reaches the handler as a
//! header, yet both are what request-smuggling attempts look like, so the guard refuses them.
//!
//! The watcher reads along hyper's reads: each request head it sees gives one verdict, queued
//! before hyper can parse that head and call the handler, which takes the verdicts in order.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Why a request's framing is refused (`None`: fine), one per request head, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verdicts(Arc<Mutex<VecDeque<Option<&'static str>>>>);

impl Verdicts {
    /// The verdict on the next request hyper hands over; `None` as well once the watcher has
    /// stopped following (hyper closes such connections itself).
    pub(crate) fn next(&self) -> Option<&'static str> {
        self.lock().pop_front().flatten()
    }

    fn push(&self, verdict: Option<&'static str>) {
        self.lock().push_back(verdict);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Option<&'static str>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where the watcher is in the byte stream.
#[derive(Debug)]
enum State {
    /// The head so far (leading empty lines skipped).
    Head(Vec<u8>),
    /// Bytes of a `Content-Length` body still to come.
    Body(u64),
    /// A chunk-size line: the size so far; `in_extension` once past the digits.
    ChunkSize {
        size: u64,
        in_extension: bool,
    },
    ChunkData(u64),
    /// The CRLF after a chunk's data.
    ChunkDataEnd,
    /// The trailer section: the current line's length.
    Trailers(usize),
    /// Not followed any further: the connection ends after this request (hyper refuses or
    /// closes it), so nothing after it is a request.
    Lost,
}

/// Larger heads get hyper's 431 and the connection closes.
const MAX_HEAD: usize = 1024 * 1024;
/// hyper's own default limit on the number of headers.
const MAX_HEADERS: usize = 100;

pub(crate) struct FramingWatch<T> {
    inner: T,
    state: State,
    verdicts: Verdicts,
}

impl<T> FramingWatch<T> {
    pub(crate) fn new(inner: T, verdicts: Verdicts) -> Self {
        Self {
            inner,
            state: State::Head(Vec::new()),
            verdicts,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            bytes = match &mut self.state {
                State::Lost => return,
                State::Head(head) => {
                    if head.is_empty() {
                        let skipped = bytes
                            .iter()
                            .take_while(|byte| matches!(byte, b'\r' | b'\n'))
                            .count();
                        bytes = &bytes[skipped..];
                        if bytes.is_empty() {
                            return;
                        }
                    }
                    let searched_from = head.len().saturating_sub(2);
                    let taken = bytes.len().min(MAX_HEAD + 4 - head.len().min(MAX_HEAD));
                    head.extend_from_slice(&bytes[..taken]);
                    match head_end(&head[searched_from..]) {
                        Some(at) => {
                            let end = searched_from + at;
                            let rest = head.len() - end;
                            let head = std::mem::take(head);
                            self.state = self.after_head(&head[..end]);
                            &bytes[taken - rest..]
                        }
                        None if head.len() > MAX_HEAD => {
                            self.state = State::Lost;
                            return;
                        }
                        None => &bytes[taken..],
                    }
                }
                State::Body(left) => {
                    let taken = bytes
                        .len()
                        .min(usize::try_from(*left).unwrap_or(usize::MAX));
                    *left -= taken as u64;
                    if *left == 0 {
                        self.state = State::Head(Vec::new());
                    }
                    &bytes[taken..]
                }
                State::ChunkSize { size, in_extension } => {
                    let byte = bytes[0];
                    match byte {
                        b'\n' if *size == 0 => self.state = State::Trailers(0),
                        b'\n' => self.state = State::ChunkData(*size),
                        _ if *in_extension => {}
                        b'\r' | b';' | b' ' | b'\t' => *in_extension = true,
                        _ => match (byte as char).to_digit(16) {
                            Some(digit) => match size.checked_mul(16) {
                                Some(shifted) => *size = shifted + u64::from(digit),
                                None => self.state = State::Lost,
                            },
                            None => self.state = State::Lost,
                        },
                    }
                    &bytes[1..]
                }
                State::ChunkData(left) => {
                    let taken = bytes
                        .len()
                        .min(usize::try_from(*left).unwrap_or(usize::MAX));
                    *left -= taken as u64;
                    if *left == 0 {
                        self.state = State::ChunkDataEnd;
                    }
                    &bytes[taken..]
                }
                State::ChunkDataEnd => {
                    if bytes[0] == b'\n' {
                        self.state = State::ChunkSize {
                            size: 0,
                            in_extension: false,
                        };
                    }
                    &bytes[1..]
                }
                State::Trailers(line) => {
                    match bytes[0] {
                        b'\n' if *line == 0 => self.state = State::Head(Vec::new()),
                        b'\n' => *line = 0,
                        b'\r' => {}
                        _ => *line += 1,
                    }
                    &bytes[1..]
                }
            };
        }
    }

    /// Queues the verdict on a complete head; the state for what follows it.
    fn after_head(&self, head: &[u8]) -> State {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        if !matches!(request.parse(head), Ok(httparse::Status::Complete(_))) {
            // hyper refuses it too, and closes the connection.
            return State::Lost;
        }
        let lengths: Vec<&[u8]> = request
            .headers
            .iter()
            .filter(|header| header.name.eq_ignore_ascii_case("content-length"))
            .map(|header| header.value)
            .collect();
        let chunked = request
            .headers
            .iter()
            .rfind(|header| header.name.eq_ignore_ascii_case("transfer-encoding"))
            .map(|header| {
                let value = String::from_utf8_lossy(header.value);
                value
                    .rsplit(',')
                    .next()
                    .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
            });
        let verdict = match (chunked.is_some(), lengths.len()) {
            (true, 1..) => Some("Content-Length together with Transfer-Encoding"),
            (false, 2..) => Some("more than one Content-Length"),
            _ => None,
        };
        self.verdicts.push(verdict);
        if verdict.is_some() {
            return State::Lost;
        }
        match (chunked, lengths.first()) {
            (Some(true), _) => State::ChunkSize {
                size: 0,
                in_extension: false,
            },
            // Not chunked last: hyper answers 400 and closes.
            (Some(false), _) => State::Lost,
            (None, Some(length)) => match std::str::from_utf8(length)
                .ok()
                .and_then(|text| text.trim().parse::<u64>().ok())
            {
                Some(0) => State::Head(Vec::new()),
                Some(length) => State::Body(length),
                None => State::Lost,
            },
            (None, None) => State::Head(Vec::new()),
        }
    }
}

/// Where a request head ends (just after its empty line), if it does in `bytes`. hyper (httparse)
/// takes a bare LF for a line end, so the empty line may be `\n\n` or `\n\r\n` as well as
/// `\r\n\r\n`: a watcher that knew only the last would read a pipelined request as part of
/// the head before it and let its framing through unjudged.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'\n')
        .find_map(|(at, _)| match bytes.get(at + 1..) {
            Some([b'\n', ..]) => Some(at + 2),
            Some([b'\r', b'\n', ..]) => Some(at + 3),
            _ => None,
        })
}

impl<T: AsyncRead + Unpin> AsyncRead for FramingWatch<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let this = &mut *self;
            this.feed(&buf.filled()[before..]);
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for FramingWatch<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdicts on `stream`, fed in pieces of `piece` bytes.
    fn verdicts(stream: &[u8], piece: usize) -> Vec<Option<&'static str>> {
        let verdicts = Verdicts::default();
        let mut watch = FramingWatch::new((), verdicts.clone());
        for part in stream.chunks(piece) {
            watch.feed(part);
        }
        verdicts.lock().iter().copied().collect()
    }

    const PLAIN: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    const SIZED: &[u8] =
        b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 26\r\n\r\nGET /hidden HTTP/1.1\r\n\r\n..";
    const CHUNKED: &[u8] =
        b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n\
        1a;ext=1\r\nGET /hidden HTTP/1.1\r\n\r\n..\r\n0\r\nX-Trailer: t\r\n\r\n";
    const BOTH: &[u8] =
        b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n";
    const TWO_LENGTHS: &[u8] =
        b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc";

    #[test]
    fn bodies_are_skipped_whole_and_each_head_gets_one_verdict() {
        let stream = [PLAIN, SIZED, CHUNKED, b"\r\n", PLAIN, BOTH, PLAIN].concat();
        let both = Some("Content-Length together with Transfer-Encoding");
        for piece in [1, 2, 3, 7, 64, stream.len()] {
            assert_eq!(
                verdicts(&stream, piece),
                vec![None, None, None, None, both],
                "in pieces of {piece}"
            );
        }
    }

    #[test]
    fn repeated_lengths_are_refused_whatever_their_order() {
        assert_eq!(
            verdicts(TWO_LENGTHS, 5),
            vec![Some("more than one Content-Length")]
        );
        let length_first =
            b"POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(
            verdicts(length_first, 4),
            vec![Some("Content-Length together with Transfer-Encoding")]
        );
    }

    #[test]
    fn a_broken_head_stops_the_watch() {
        assert_eq!(
            verdicts(
                b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\nGET / HTTP/1.1\r\n\r\n",
                3
            ),
            vec![]
        );
    }
}
