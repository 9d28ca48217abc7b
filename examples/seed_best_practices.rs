//! The article's best practices 1, 2, 4 and 5, line for line, then a connection that uses them:
//! strong ciphers, our own CA, no session tickets, no SSLv2/SSLv3. Without arguments it talks
//! to a local server whose certificate the fixture CA signed.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

fn main() -> Result<(), pyssl::Error> {
    let (host, port) = common::target();

    // import ssl
    //
    // # Create an SSL context
    // context = ssl.create_default_context()
    // context.set_ciphers('HIGH:!RC4:!MD5:!3DES')  # Specify strong ciphers
    let context = ssl::create_default_context()?;
    context.set_ciphers("HIGH:!RC4:!MD5:!3DES")?; // Specify strong ciphers

    // context.load_verify_locations('path/to/ca_cert.pem')  # Load a CA certificate
    context.load_verify_locations(common::fixture("ca.pem").as_str())?; // Load a CA certificate

    // context.set_options(ssl.OP_NO_TICKET)  # Disable session tickets for better PFS
    context.set_options(ssl::OP_NO_TICKET)?; // Disable session tickets for better PFS

    // context.options |= ssl.OP_NO_SSLv2 | ssl.OP_NO_SSLv3  # Disable old versions
    context.set_options(ssl::OP_NO_SSLv2 | ssl::OP_NO_SSLv3)?; // Disable old versions

    println!("options: {}", context.options().py_repr());
    println!("ciphers selected: {}", context.get_ciphers().len());

    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    let mut secure_sock = context.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some(&host),
            ..Default::default()
        },
    )?;
    secure_sock.connect((host.as_str(), port))?;
    println!("version: {}", secure_sock.version().py_repr());
    println!("cipher: {}", secure_sock.cipher().py_repr());
    println!("peer: {}", secure_sock.getpeercert(false)?.py_repr());
    secure_sock.close()?;
    Ok(())
}
