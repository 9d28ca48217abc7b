//! `pyssl getcert HOST PORT [--cafile F] [--timeout S]`: the server's certificate as PEM,
//! exactly what `ssl.get_server_certificate((HOST, PORT), ca_certs=F, timeout=S)` returns.
//!
//! Without `--cafile` nothing is verified (Python's default); errors print as Python's `str(e)`
//! on stderr, exit 1.

use pyssl::{socket, ssl};

use crate::{take_option, USAGE};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let cafile = take_option(&mut args, "--cafile")?;
    let timeout = match take_option(&mut args, "--timeout")? {
        Some(t) => match t.parse::<f64>() {
            Ok(secs) if secs.is_finite() && secs >= 0.0 => socket::Timeout::Seconds(secs),
            _ => return Err(format!("invalid timeout {t:?}")),
        },
        None => socket::Timeout::GlobalDefault,
    };
    let [host, port] = args.as_slice() else {
        return Err(USAGE.to_string());
    };
    let port: u16 = port.parse().map_err(|_| format!("invalid port {port:?}"))?;
    let pem = ssl::get_server_certificate(
        (host.as_str(), port),
        ssl::GetServerCertificate {
            ca_certs: cafile.as_deref(),
            timeout,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    out!("{pem}");
    Ok(())
}
