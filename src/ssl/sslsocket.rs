//! sslsocket
