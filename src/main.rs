//! The `netgrow` command: a thin shell over the library's [`netgrow::cli`].

/// mimalloc rather than the system allocator: a city run grows millions of
/// small books and lists of ties from two threads, where glibc's malloc
/// spent about a tenth of the time (allocating, freeing, consolidating and
/// copying lists as they grow). Measured on the city scenario, five years:
/// 59.3 s with the system allocator, 46.8 s with this one, for 3% more
/// peak memory (see `docs/performance.md`). Results do not depend on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    netgrow::cli::main()
}
