//! The failures netgrow tells apart, and the exit code each one gives.
//!
//! netgrow distinguishes two kinds of failure:
//!
//! - **the input is at fault** (exit code 2): an argument, a `--set`, a
//!   scenario file that cannot be read or does not check
//!   ([`ScenarioError`]), a directory given to `plot` or `merge` that is not
//!   what it should be, or a destination netgrow refuses to write because
//!   it holds files netgrow did not write ([`BadInput`]). The user changes
//!   what they gave, and the same command then works.
//! - **anything else** (exit code 1): a full disk, a directory that cannot
//!   be created, a file that cannot be written.
//!
//! Library code returns [`anyhow::Error`]s with context naming the file and
//! key; [`exit_code`] looks along the whole chain, so context added on the
//! way up does not hide that the input was at fault.

use crate::scenario::ScenarioError;

/// A failure caused by what the user gave (exit code 2): the message says
/// what was given, where, and what was expected instead.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The exit code of a failure whose input is at fault.
pub const INPUT_AT_FAULT: u8 = 2;

/// The exit code of any other failure.
pub const FAILED: u8 = 1;

/// The exit code `error` ends the process with: [`INPUT_AT_FAULT`] if
/// anything in its chain is a [`BadInput`] or a scenario that cannot be
/// read or does not check, else [`FAILED`].
pub fn exit_code(error: &anyhow::Error) -> u8 {
    let at_fault = error.chain().any(|e| {
        e.downcast_ref::<BadInput>().is_some()
            || matches!(
                e.downcast_ref::<ScenarioError>(),
                Some(ScenarioError::Invalid { .. } | ScenarioError::Io { .. })
            )
    });
    if at_fault {
        INPUT_AT_FAULT
    } else {
        FAILED
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn input_at_fault_gives_2_even_under_added_context() {
        let bad: anyhow::Result<()> = Err(BadInput("no such shard".into()).into());
        let error = bad.context("cannot merge").unwrap_err();
        assert_eq!(exit_code(&error), INPUT_AT_FAULT);

        let unreadable = ScenarioError::Io {
            path: "missing.toml".into(),
            cause: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(exit_code(&unreadable.into()), INPUT_AT_FAULT);

        let invalid = ScenarioError::Invalid {
            file: "s.toml".into(),
            diagnostics: Vec::new(),
        };
        assert_eq!(exit_code(&invalid.into()), INPUT_AT_FAULT);
    }

    #[test]
    fn other_failures_give_1() {
        let full = std::io::Error::other("no space left on device");
        let error = anyhow::Error::new(full).context("cannot write sweep.csv");
        assert_eq!(exit_code(&error), FAILED);
    }
}
