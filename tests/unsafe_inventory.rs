//! The `unsafe` rule: every `unsafe` block, impl, fn and C callback under `src/ffi/` (the only
//! module where the crate allows `unsafe`) carries its `// SAFETY:` argument. The same script
//! prints the inventory table of docs/security.md.

use std::process::Command;

#[test]
fn every_unsafe_site_has_its_safety_argument() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/unsafe-inventory.py");
    let out = Command::new("python3")
        .arg(script)
        .output()
        .expect("python3 runs the inventory script");
    let table = String::from_utf8_lossy(&out.stdout);
    let missing: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("**no SAFETY comment**"))
        .collect();
    assert!(
        missing.is_empty(),
        "unsafe sites without SAFETY:\n{}",
        missing.join("\n")
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The script finds the sites: a scan that matched nothing would pass vacuously.
    let sites = table
        .lines()
        .filter(|l| l.starts_with("| `src/ffi/"))
        .count();
    assert!(sites > 100, "only {sites} unsafe sites found:\n{table}");
}
