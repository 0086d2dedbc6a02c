// A minimal program carrying a cargo-auditable style .dep-v0 section (the
// zlib-compressed dependency JSON made by make_deps.py), for cgate's tests.
#[used]
#[link_section = ".dep-v0"]
static AUDITABLE_VERSION_INFO: [u8; include_bytes!("dep-v0.z").len()] = *include_bytes!("dep-v0.z");

fn main() {
    println!("Hello, {}!", std::env::args().nth(1).unwrap_or_else(|| "world".into()));
}
