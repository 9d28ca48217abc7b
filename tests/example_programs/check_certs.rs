//! `examples/check_certs.py` and its port against the same TLS servers, a clear-text one, a
//! silent one and a refused port.

use std::sync::Arc;

use pyssl::socket;

use crate::peers::{read_tls_record, refused_port, server, tls_server, until_closed};
use crate::{both, common, port, python, run, theirs, Outcome};

/// A server that answers in clear text: the client's handshake reads a banner.
fn plain_text_server() -> (u16, Arc<socket::socket>) {
    server(|mut conn| {
        read_tls_record(&mut conn);
        let _ = conn.sendall(b"220 mail.example.org ESMTP ready\r\n");
        until_closed(&mut conn);
    })
}

/// A listening socket that never accepts: connections complete, handshakes never start.
fn silent_server() -> (u16, socket::socket) {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    (listener.getsockname().unwrap().port(), listener)
}

/// Runs check_certs twice over the same targets: the "days left" a run prints changes at
/// midnight GMT, so a pair of runs straddling it is run again.
fn check_certs(args: &[&str]) -> Outcome {
    for _ in 0..2 {
        let python = theirs(run(python("check_certs"), args));
        let rust = run(port("check_certs"), args);
        if rust == python {
            return rust;
        }
        eprintln!(
            "check_certs: outputs differ, once more in case the day changed:\n{rust:?}\n{python:?}"
        );
    }
    panic!("check_certs {args:?}: the port and CPython 3.13 print different things");
}

#[test]
fn check_certs_reports_every_kind_of_certificate_and_failure() {
    let servers = [
        tls_server("server"),
        tls_server("expired"),
        tls_server("wronghost"),
        tls_server("selfsigned"),
        plain_text_server(),
    ];
    let (silent, _listener) = silent_server();
    let (refused, _unused) = refused_port();
    let [ok, expired, wronghost, selfsigned, plain] = servers.each_ref().map(|s| s.0);
    let ca = common::fixture_str("ca.pem");
    let targets = [
        format!("localhost:{ok}"),
        format!("localhost:{expired}"),
        format!("localhost:{wronghost}"),
        format!("localhost:{selfsigned}"),
        format!("localhost:{plain}"),
        format!("localhost:{silent}"),
        format!("localhost:{refused}"),
        format!("127.0.0.1:{ok}"),
    ];
    let mut args = vec!["--cafile", ca.as_str(), "--timeout", "0.5"];
    args.extend(targets.iter().map(String::as_str));
    let out = check_certs(&args);
    for (_, listener) in &servers {
        listener.close().unwrap();
    }
    assert_eq!(out.status, Some(1));
    assert_eq!(out.stderr, "");
    let days = days_left("Jan  1 00:00:00 2099 GMT");
    let verified = |target: &str| {
        format!(
            "{target}
  subject:    organizationName=pyssl, commonName=localhost
  issuer:     organizationName=pyssl, commonName=pyssl test CA
  alt names:  DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1
  valid from: Jan  1 00:00:00 2020 GMT
  valid to:   Jan  1 00:00:00 2099 GMT ({days} days left)
  verified:   yes, over TLSv1.3
"
        )
    };
    let expected = common::oracle_as_linked(&format!(
        "{}{}
  verification failed: certificate has expired (code 10)
{}
  verification failed: Hostname mismatch, certificate is not valid for 'localhost'. (code 62)
{}
  verification failed: self-signed certificate (code 18)
{}
  TLS handshake failed: WRONG_VERSION_NUMBER
{}
  timed out
{}
  cannot connect: Connection refused
{}2 of 8 certificates OK
",
        verified(&targets[0]),
        targets[1],
        targets[2],
        targets[3],
        targets[4],
        targets[5],
        targets[6],
        verified(&targets[7]),
    ));
    assert_eq!(out.stdout, expected);
}

/// `(ssl.cert_time_to_seconds(not_after) - time.time()) // 86400`, as CPython computes it.
fn days_left(not_after: &str) -> String {
    common::py313(
        "import ssl, sys, time; print(int((ssl.cert_time_to_seconds(sys.argv[1]) - time.time()) // 86400))",
        &[not_after],
    )
    .trim()
    .to_string()
}

#[test]
fn check_certs_exits_0_when_every_certificate_verifies() {
    let (ok, listener) = tls_server("server");
    let ca = common::fixture_str("ca.pem");
    let (a, b) = (format!("localhost:{ok}"), format!("127.0.0.1:{ok}"));
    let out = check_certs(&["--cafile", &ca, &a, &b]);
    listener.close().unwrap();
    assert_eq!(out.status, Some(0));
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.ends_with("\n2 of 2 certificates OK\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn check_certs_lets_a_missing_ca_file_escape_as_python_does() {
    let missing = common::fixture_str("missing-ca.pem");
    let out = both("check_certs", &["--cafile", &missing, "localhost:443"]);
    assert_eq!(out.status, Some(1));
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "FileNotFoundError: [Errno 2] No such file or directory\n"
    );
}
