//! `astana brief`.

use crate::args::BriefArgs;
use crate::{Failure, Outcome};
use std::path::Path;

pub(crate) fn run(_scenario_dir: Option<&Path>, _a: &BriefArgs) -> Outcome {
    Err(Failure::compute("error: the brief is not built yet"))
}
