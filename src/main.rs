//! The `netgrow` command: a thin shell over the library's [`netgrow::cli`].

/// mimalloc rather than the system allocator: a city run grows millions of
/// small books and lists of ties from two threads, and mimalloc's
/// per-thread free lists allocate, free and grow them with far less work
/// than glibc's malloc (`docs/performance.md` has the measurements).
/// Results do not depend on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    netgrow::cli::main()
}

/// mimalloc's number for its purge delay option (`mi_option_purge_delay`
/// in the `mimalloc.h` of the version below; the Rust bindings name only
/// some options). A test checks the number against mimalloc's own reading
/// of `MIMALLOC_PURGE_DELAY`.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The mimalloc version [`PURGE_DELAY`] was read from (major, minor).
const MIMALLOC_VERSION: (i32, i32) = (3, 3);

/// Tells mimalloc to keep memory it has freed instead of handing it back
/// to the system a second later (`MIMALLOC_PURGE_DELAY=-1`).
///
/// A city run frees and reallocates memory all the time — lists of ties
/// grow, each week's needs come and go — and memory handed back must be
/// zeroed again by the kernel when it is next used. Keeping it spares the
/// kernel that work without raising the peak, since the run only ever
/// reuses what it has held (`docs/performance.md`). Left alone if the user
/// set the variable, or if mimalloc is not the version the option number
/// comes from.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: plain calls into the allocator linked into this binary, with
    // an option number checked against its version; setting an option is
    // allowed at any time.
    unsafe {
        let version = libmimalloc_sys::mi_version();
        if (version / 10000, version / 100 % 100) == MIMALLOC_VERSION {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is mimalloc's purge delay: a child process (this
    /// test binary, running only the check below) started with
    /// `MIMALLOC_PURGE_DELAY=4321` reads 4321 under that number.
    #[test]
    fn the_purge_delay_option_number_is_mimallocs() {
        const CHILD: &str = "NETGROW_PURGE_DELAY_CHILD";
        if std::env::var_os(CHILD).is_some() {
            // SAFETY: reads an option of the allocator this binary links.
            let value = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
            assert_eq!(value, 4321, "option {PURGE_DELAY} is not the purge delay");
            return;
        }
        // SAFETY: reads the allocator's version.
        let version = unsafe { libmimalloc_sys::mi_version() };
        assert_eq!(
            (version / 10000, version / 100 % 100),
            MIMALLOC_VERSION,
            "mimalloc is now {version}: check the purge delay's option number"
        );
        // The child's report is captured, so it does not mix with this
        // run's, and shown if its check failed.
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "tests::the_purge_delay_option_number_is_mimallocs",
                "--exact",
            ])
            .env(CHILD, "1")
            .env("MIMALLOC_PURGE_DELAY", "4321")
            .output()
            .unwrap();
        assert!(
            child.status.success(),
            "the child's check failed:\n{}{}",
            String::from_utf8_lossy(&child.stdout),
            String::from_utf8_lossy(&child.stderr)
        );
    }
}
