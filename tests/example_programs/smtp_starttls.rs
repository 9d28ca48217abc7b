//! `examples/smtp_starttls.py` and its port against the same SMTP servers.

use crate::peers::{refused_port, smtp_server, Smtp};
use crate::{both, common};

const SMTP_UNTIL_STARTTLS: &str = "\
S: 220 mail.example.org ESMTP ready
C: EHLO client.example.org
S: 250-mail.example.org
S: 250-SIZE 10240000
S: 250 STARTTLS
C: STARTTLS
S: 220 2.0.0 Ready to start TLS
";

#[test]
fn smtp_starttls_completes_a_session_over_tls() {
    let (port, listener) = smtp_server("server", Smtp::Normal);
    let ca = common::fixture_str("ca.pem");
    let out = both("smtp_starttls", &["localhost", &port.to_string(), &ca]);
    listener.close().unwrap();
    assert_eq!(out.status, Some(0));
    assert_eq!(out.stderr, "");
    let expected = format!(
        "{SMTP_UNTIL_STARTTLS}\
-- TLS established: TLSv1.3, cipher TLS_AES_256_GCM_SHA384
-- server certificate: localhost, expires Jan  1 00:00:00 2099 GMT
C: EHLO client.example.org
S: 250-mail.example.org
S: 250 SIZE 10240000
C: NOOP
S: 250 2.0.0 OK
C: QUIT
S: 221 2.0.0 Bye
"
    );
    assert_eq!(out.stdout, expected);
}

#[test]
fn smtp_starttls_reports_each_failure_and_exits_1() {
    let ca = common::fixture_str("ca.pem");
    let (refused, _unused) = refused_port();
    let cases: Vec<(Smtp, &str, &str, String)> = vec![
        (
            Smtp::Normal,
            "wronghost",
            SMTP_UNTIL_STARTTLS,
            "error: certificate verification failed: Hostname mismatch, certificate is not valid for 'localhost'. (code 62)\n".into(),
        ),
        (
            Smtp::Normal,
            "selfsigned",
            SMTP_UNTIL_STARTTLS,
            common::oracle_as_linked(
                "error: certificate verification failed: self-signed certificate (code 18)\n",
            ),
        ),
        (
            Smtp::NoTlsAfterStartTls,
            "server",
            SMTP_UNTIL_STARTTLS,
            common::oracle_as_linked(
                "error: TLS error: [SSL: WRONG_VERSION_NUMBER] wrong version number\n",
            ),
        ),
        (
            Smtp::NoStartTls,
            "server",
            "S: 220 mail.example.org ESMTP ready\nC: EHLO client.example.org\nS: 250-mail.example.org\nS: 250 SIZE 10240000\n",
            "error: the server does not offer STARTTLS\n".into(),
        ),
        (
            Smtp::HangUp,
            "server",
            "S: 220 mail.example.org ESMTP ready\nC: EHLO client.example.org\n",
            "error: EHLO failed: connection closed\n".into(),
        ),
        (
            Smtp::Reset,
            "server",
            "S: 220 mail.example.org ESMTP ready\nC: EHLO client.example.org\n",
            "error: network error: [Errno 104] Connection reset by peer\n".into(),
        ),
    ];
    for (mode, cert, stdout, stderr) in cases {
        let (port, listener) = smtp_server(cert, mode);
        let out = both("smtp_starttls", &["localhost", &port.to_string(), &ca]);
        listener.close().unwrap();
        assert_eq!(
            (out.status, out.stdout.as_str(), out.stderr.as_str()),
            (Some(1), stdout, stderr.as_str()),
            "{cert}"
        );
    }

    let out = both("smtp_starttls", &["localhost", &refused.to_string(), &ca]);
    assert_eq!(out.status, Some(1));
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!("error: connection refused by localhost:{refused}\n")
    );
}

#[test]
fn smtp_starttls_lets_a_missing_ca_file_escape_as_python_does() {
    let missing = common::fixture_str("missing-ca.pem");
    let out = both("smtp_starttls", &["localhost", "25", &missing]);
    assert_eq!(out.status, Some(1));
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "FileNotFoundError: [Errno 2] No such file or directory\n"
    );
}
