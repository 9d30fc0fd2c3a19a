//! The HTTP/1.1 server under the gateway's handler: hyper's connection builder with the limits
//! that stop a hostile client from holding connections (axum::serve sets no header timeout), and
//! a graceful shutdown that lets requests in flight finish.

use std::convert::Infallible;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::http::Request;
use futures_util::FutureExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::framing::{FramingWatch, Verdicts};
use crate::service::Gateway;

/// Limits on each connection, before any request reaches the handler.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// Time allowed for a request's head (request line and headers) to arrive; also how long an
    /// idle keep-alive connection is kept (hyper starts the same timer while waiting for the next
    /// request).
    pub(crate) header_timeout: Duration,
    /// Largest request head hyper buffers; larger ones get 431 before the handler runs.
    pub(crate) max_head_bytes: usize,
}

/// Serves `gateway` on `listener` until `shutdown` fires (or its sender is dropped), then waits
/// for every connection to finish its request in flight.
pub(crate) async fn serve(
    listener: TcpListener,
    gateway: Arc<Gateway>,
    limits: ConnectionLimits,
    shutdown: oneshot::Receiver<()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_head_bytes);
    // Connection tasks see `true` on shutdown; each holds a `finished` receiver until it ends.
    let (stopping, stop) = watch::channel(false);
    let (all_finished, finished) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                if !is_connection_error(&error) {
                    // Out of file descriptors, most likely: wait for connections to close
                    // instead of spinning.
                    tracing::error!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                continue;
            }
        };
        // Responses leave in more than one write when they stream: without TCP_NODELAY the
        // later writes can wait for the browser's delayed ACK.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let verdicts = Verdicts::default();
        let io = TokioIo::new(FramingWatch::new(stream, verdicts.clone()));
        let gateway = Arc::clone(&gateway);
        let service = service_fn(move |request: Request<Incoming>| {
            // Taken here, in the order hyper hands the requests over.
            let framing = verdicts.next();
            Arc::clone(&gateway)
                .handle(request, framing)
                .map(Ok::<_, Infallible>)
        });
        let connection = http.serve_connection(io, service);
        let mut stop = stop.clone();
        let finished = finished.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let mut stopping = false;
            loop {
                tokio::select! {
                    served = connection.as_mut() => {
                        if let Err(error) = served {
                            tracing::debug!(%error, "connection ended with an error");
                        }
                        break;
                    }
                    changed = stop.changed(), if !stopping => {
                        stopping = true;
                        if changed.is_ok() {
                            connection.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
            drop(finished);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    drop(finished);
    all_finished.closed().await;
}

/// Errors of one connection attempt, not of the listener.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
