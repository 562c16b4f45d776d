//! The formatter on small inputs.

use super::format;

#[test]
fn reindents_collapses_spaces_and_keeps_strings_and_comments() {
    let input = "# top\nscenario  x   \"A   title\"  # trailing\ncustomer C\nagent A\nscene s\n\tC: \"Hi   there\"\n        if  true_flag: \"x\"\n choice   \"go\"\n  tags a  b\n          end e # done\n\n\n\nending e \"E\"\n";
    let want = "# top\nscenario x \"A   title\" # trailing\ncustomer C\nagent A\n\nscene s\n  C: \"Hi   there\"\n    if true_flag: \"x\"\n  choice \"go\"\n    tags a b\n    end e # done\n\nending e \"E\"\n";
    assert_eq!(format(input).unwrap(), want);
}

#[test]
fn blocks_get_one_blank_line_before_them_or_before_their_leading_comments() {
    let input = "scenario x \"X\"\ncustomer C\nagent A\n# The opening scene.\nscene s\n  end e\nending e \"E\"\nrubric\n  rule \"r\"\n    expect ending e\n";
    let want = "scenario x \"X\"\ncustomer C\nagent A\n\n# The opening scene.\nscene s\n  end e\nending e \"E\"\n\nrubric\n  rule \"r\"\n    expect ending e\n";
    assert_eq!(format(input).unwrap(), want);
}

#[test]
fn hashes_inside_strings_are_not_comments() {
    let input = "scenario x \"Order #12 \\\"#quoted\\\"\"   # real\n";
    assert_eq!(
        format(input).unwrap(),
        "scenario x \"Order #12 \\\"#quoted\\\"\" # real\n"
    );
}

#[test]
fn a_file_with_syntax_errors_is_refused() {
    assert!(format("scene\n").is_err());
    assert!(format("chioce \"x\"\n").is_err());
}

#[test]
fn formatting_is_idempotent_on_the_examples() {
    for text in [
        include_str!("../../tests/fixtures/examples/delayed_order.scenario"),
        include_str!("../../tests/fixtures/examples/broken_blender.scenario"),
        include_str!("../../tests/corpus/gen-001.scenario"),
    ] {
        let once = format(text).unwrap();
        assert_eq!(format(&once).unwrap(), once);
    }
}
