//! `cargo test` fails when a generated file no longer matches its data.

#[test]
fn generated_files_are_fresh() {
    let root = xtask::codegen::workspace_root();
    if let Err(err) = xtask::codegen::run(&root, xtask::codegen::Mode::Check) {
        panic!("{err:#}");
    }
}
