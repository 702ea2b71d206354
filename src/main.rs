//! The `netgrow` command: a thin shell over the library's [`netgrow::cli`].

fn main() -> std::process::ExitCode {
    netgrow::cli::main()
}
