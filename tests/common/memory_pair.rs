//! Two `SSLObject`s, client and server over the fixture contexts, joined by moving the bytes
//! between their `MemoryBIO`s (Python's `c.wrap_bio(...)`, `s.wrap_bio(...)`, then a pump).

use pyssl::ssl;

pub struct MemoryPair {
    pub client: ssl::SSLObject,
    pub server: ssl::SSLObject,
    pub c_in: ssl::MemoryBIO,
    pub c_out: ssl::MemoryBIO,
    pub s_in: ssl::MemoryBIO,
    pub s_out: ssl::MemoryBIO,
}

impl MemoryPair {
    /// The two objects, before any handshake (the client names `localhost`).
    pub fn wrapped() -> MemoryPair {
        let bio = || ssl::MemoryBIO::new().unwrap();
        let (c_in, c_out, s_in, s_out) = (bio(), bio(), bio(), bio());
        let client = super::client_context()
            .wrap_bio(
                &c_in,
                &c_out,
                ssl::WrapBio {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )
            .unwrap();
        let server = super::server_context()
            .wrap_bio(
                &s_in,
                &s_out,
                ssl::WrapBio {
                    server_side: true,
                    ..Default::default()
                },
            )
            .unwrap();
        MemoryPair {
            client,
            server,
            c_in,
            c_out,
            s_in,
            s_out,
        }
    }

    /// The two objects, handshaken.
    pub fn handshaken() -> MemoryPair {
        let mut pair = MemoryPair::wrapped();
        pair.handshake();
        pair
    }

    /// Each side's `do_handshake()` in turn, pumping between, until both are done.
    pub fn handshake(&mut self) {
        let (mut c_done, mut s_done) = (false, false);
        for _ in 0..10 {
            if !c_done {
                c_done = self.client.do_handshake().is_ok();
            }
            self.pump();
            if !s_done {
                s_done = self.server.do_handshake().is_ok();
            }
            self.pump();
            if c_done && s_done {
                return;
            }
        }
        panic!("no handshake");
    }

    /// Moves what each side wrote to the other's incoming buffer.
    pub fn pump(&self) {
        self.s_in.write(&self.c_out.read(-1).unwrap()).unwrap();
        self.c_in.write(&self.s_out.read(-1).unwrap()).unwrap();
    }
}
