//! Bad input: every way a file can fail to be an IAM export gets one clear message naming
//! the file and the place (line and column, or JSON path), and nothing panics.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rolescope::engine::load::{self, LoadError, LoadOptions, Loader};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[expect(clippy::unwrap_used, reason = "a test helper")]
fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[expect(clippy::unwrap_used, reason = "a test helper")]
fn err_of(bytes: &[u8]) -> (LoadError, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "input.json", bytes);
    let e = load::load_paths(&[p]).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("input.json"),
        "the message names the file: {msg}"
    );
    assert!(!msg.contains('\n'), "one line: {msg}");
    (e, msg)
}

const ROLE: &str = r#"{"Path": "/", "RoleName": "Deploy", "RoleId": "AROAEXAMPLE1", "Arn": "arn:aws:iam::111122223333:role/Deploy", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}"#;

#[test]
fn malformed_json_names_line_column_and_what_was_expected() {
    let cases: [(&str, &[u8], usize, &str); 4] = [
        (
            "missing comma",
            b"{\n  \"Roles\": [\n    {\"Arn\": \"a\" \"Path\": \"/\"}\n  ]\n}",
            3,
            "expected `,` or `}`",
        ),
        ("truncated", b"{\n  \"Roles\": [\n", 3, "EOF while parsing"),
        ("trailing comma", b"{\"Roles\": [],}", 1, "trailing comma"),
        ("single quotes", b"{'Roles': []}", 1, "key must be a string"),
    ];
    for (name, bytes, line, expected) in cases {
        let (e, msg) = err_of(bytes);
        match e {
            LoadError::Syntax { line: l, .. } => assert_eq!(l, line, "{name}: {msg}"),
            other => panic!("{name}: {other:?}"),
        }
        assert!(
            msg.contains(&format!("line {line}, column")),
            "{name}: {msg}"
        );
        assert!(msg.contains(expected), "{name}: {msg}");
    }
}

#[test]
fn wrong_shape_names_the_field_and_its_json_path() {
    let cases = [
        (
            r#"{"RoleDetailList": [{"Arn": "arn:aws:iam::111122223333:role/A", "RoleName": 5}]}"#,
            "$.RoleDetailList[0].RoleName",
            "expected a string",
        ),
        (
            r#"{"RoleDetailList": [{"RoleName": "A"}]}"#,
            "$.RoleDetailList[0]",
            "missing field `Arn`",
        ),
        (
            r#"{"RoleDetailList": 7}"#,
            "$.RoleDetailList",
            "expected a list",
        ),
        (
            r#"{"Roles": [{"Arn": "arn:aws:iam::111122223333:role/A", "MaxSessionDuration": "long"}]}"#,
            "$.Roles[0].MaxSessionDuration",
            "expected u64",
        ),
        (
            r#"{"Policies": [{"Arn": "arn:aws:iam::111122223333:policy/P", "PolicyVersionList": [{"VersionId": 2}]}]}"#,
            "$.Policies[0].PolicyVersionList[0].VersionId",
            "expected a string",
        ),
        (
            r#"[{"RoleDetailList": []}]"#,
            "$[0]",
            "a top-level array is read as roles",
        ),
    ];
    for (text, path, what) in cases {
        let (e, msg) = err_of(text.as_bytes());
        match &e {
            LoadError::Shape { json_path, .. } => assert_eq!(json_path, path, "{msg}"),
            other => panic!("{text}: {other:?}"),
        }
        assert!(msg.contains(&format!("`{path}`")), "{msg}");
        assert!(msg.contains(what), "{msg}");
        assert!(!msg.contains("Raw"), "no Rust type names: {msg}");
    }
}

#[test]
fn json_that_is_not_an_iam_export_names_the_keys_it_has() {
    let (e, msg) = err_of(br#"{"Buckets": [], "Owner": {}}"#);
    assert!(matches!(e, LoadError::UnknownFormat { .. }), "{e:?}");
    assert!(msg.contains("`Buckets`, `Owner`"), "{msg}");
    assert!(msg.contains("RoleDetailList"), "{msg}");
}

#[test]
fn a_missing_file_is_named() {
    let e = load::load_paths(&[PathBuf::from("/nonexistent/prod.json")]).unwrap_err();
    assert!(matches!(e, LoadError::NotFound { .. }));
    assert!(e.to_string().contains("`/nonexistent/prod.json`"));
    assert!(e.to_string().contains("no such file"));
}

#[test]
fn empty_and_blank_files_are_refused() {
    for bytes in [&b""[..], b"  \n\t\n"] {
        let (e, msg) = err_of(bytes);
        assert!(matches!(e, LoadError::Empty { .. }), "{e:?}");
        assert!(msg.contains("is empty"), "{msg}");
    }
}

#[test]
fn an_unreadable_path_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "plain.json", b"{}");
    // A path through a regular file cannot be opened.
    let e = load::load_paths(&[file.join("inner.json")]).unwrap_err();
    assert!(matches!(e, LoadError::Unreadable { .. }), "{e:?}");
    assert!(e.to_string().contains("inner.json"));
}

#[test]
fn binary_files_are_refused_with_what_they_look_like() {
    let cases: [(&[u8], &str); 4] = [
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip-compressed"),
        (b"PK\x03\x04\x14\x00", "zip archive"),
        (b"{\"Roles\": \x00\x01\x02", "binary data at byte 10"),
        (b"{\"Roles\": [\"\xff\xfe\"]}", "binary data at byte 12"),
    ];
    for (bytes, what) in cases {
        let (e, msg) = err_of(bytes);
        assert!(matches!(e, LoadError::Binary { .. }), "{e:?}");
        assert!(msg.contains(what), "{msg}");
    }
}

#[test]
fn utf16_exports_from_windows_powershell_load() {
    let text = format!("{{\"RoleDetailList\": [{ROLE}]}}");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "ps.json", &bytes);
    let inv = load::load_paths(&[p]).unwrap();
    assert_eq!(inv.roles.len(), 1);
}

#[test]
fn huge_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.json");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(load::DEFAULT_MAX_FILE_BYTES + 1).unwrap(); // sparse: no disk used
    let e = load::load_paths(std::slice::from_ref(&p)).unwrap_err();
    assert!(matches!(e, LoadError::TooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("huge.json"));
    assert!(e.to_string().contains("split an export"));
    assert!(e.to_string().contains("ROLESCOPE_MAX_FILE_BYTES"));

    let small = write(
        &dir,
        "small.json",
        format!("{{\"Roles\": [{ROLE}]}}").as_bytes(),
    );
    let mut loader = Loader::new(LoadOptions { max_file_bytes: 10 });
    assert!(matches!(
        loader.add_path(&small),
        Err(LoadError::TooLarge { limit: 10, .. })
    ));
}

#[test]
fn a_directory_without_json_is_refused_and_one_with_json_loads_it_all() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "notes.txt", b"hello");
    let e = load::load_paths(&[dir.path().to_owned()]).unwrap_err();
    assert!(matches!(e, LoadError::NoJson { .. }), "{e:?}");
    assert!(e.to_string().contains("no `*.json` file"));

    std::fs::copy(
        fixture("moto-account-authz-inuse.json"),
        dir.path().join("a.json"),
    )
    .unwrap();
    std::fs::copy(fixture("moto-list-roles.json"), dir.path().join("b.JSON")).unwrap();
    let inv = load::load_paths(&[dir.path().to_owned()]).unwrap();
    assert_eq!(inv.roles.len(), 17);
    assert_eq!(inv.sources.len(), 2);
}

#[test]
fn the_same_account_twice_merges_when_it_agrees() {
    let inv = load::load_paths(&[
        fixture("moto-account-authz-inuse.json"),
        fixture("moto-account-authz-local.json"),
    ])
    .unwrap();
    assert_eq!(inv.roles.len(), 17);
    assert_eq!(inv.users.len(), 3);
    assert_eq!(inv.accounts.len(), 1);
}

#[test]
fn the_same_role_described_differently_is_a_conflict_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        &dir,
        "monday.json",
        format!("{{\"RoleDetailList\": [{ROLE}]}}").as_bytes(),
    );
    let changed = ROLE.replace("ec2.amazonaws.com", "lambda.amazonaws.com");
    let b = write(
        &dir,
        "tuesday.json",
        format!("{{\"RoleDetailList\": [{changed}]}}").as_bytes(),
    );
    let e = load::load_paths(&[a, b]).unwrap_err();
    assert!(matches!(e, LoadError::Conflict { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("monday.json") && msg.contains("tuesday.json"),
        "{msg}"
    );
    assert!(
        msg.contains("arn:aws:iam::111122223333:role/Deploy"),
        "{msg}"
    );
    assert!(msg.contains("trust policies differ"), "{msg}");
}

#[test]
fn a_bundle_key_that_is_not_an_account_id_is_a_shape_error() {
    let (e, msg) = err_of(br#"{"Accounts": {"prod": {"RoleDetailList": []}}}"#);
    assert!(matches!(e, LoadError::Shape { .. }), "{e:?}");
    assert!(msg.contains(r#"$.Accounts["prod"]"#), "{msg}");
    assert!(msg.contains("12-digit"), "{msg}");
}

#[test]
fn a_role_whose_policies_do_not_parse_still_loads_with_its_problems() {
    let text = r#"{"RoleDetailList": [{
        "RoleName": "Broken", "Arn": "arn:aws:iam::111122223333:role/Broken",
        "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22allow%22%7D%5D%7D",
        "RolePolicyList": [{"PolicyName": "garbled", "PolicyDocument": "{\"Version\": "}]
    }]}"#;
    let inv = load::load_str("broken.json", text).unwrap();
    let role = inv.roles_named("Broken")[0];
    assert!(!role.trust_policy.errors.is_empty());
    assert!(role.trust_policy.errors[0].path.contains("Effect"));
    assert!(role.inline_policies[0].policy.document.is_none());
    let warnings: Vec<_> = load::warnings_about(&inv, &role.arn).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.message.starts_with("trust policy"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.message.starts_with("inline policy `garbled`"))
    );
}

#[test]
fn an_entity_whose_arn_is_not_an_arn_is_skipped_with_a_warning() {
    let text = r#"{"RoleDetailList": [{"RoleName": "X", "Arn": "role/X"}]}"#;
    let inv = load::load_str("x.json", text).unwrap();
    assert!(inv.roles.is_empty());
    assert!(inv.warnings[0].message.contains("is skipped"));
}

#[test]
fn the_three_policy_encodings_load_to_the_same_model() {
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a b+c"}}}]}"#;
    let as_text = serde_json::to_string(doc).unwrap();
    let encoded =
        percent_encoding::utf8_percent_encode(doc, percent_encoding::NON_ALPHANUMERIC).to_string();
    let as_url = serde_json::to_string(&encoded).unwrap();
    let role = |trust: &str| {
        let text = format!(
            r#"{{"RoleDetailList": [{{"RoleName": "R", "Arn": "arn:aws:iam::111122223333:role/R", "AssumeRolePolicyDocument": {trust}, "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {trust}}}]}}]}}"#
        );
        let inv = load::load_str("r.json", &text).unwrap();
        let r = inv.roles[0].clone();
        (r.trust_policy, r.inline_policies[0].policy.clone())
    };
    let (obj_trust, obj_inline) = role(doc);
    assert!(obj_trust.is_clean());
    for other in [as_text, as_url] {
        let (t, i) = role(&other);
        assert_eq!(t.json(), obj_trust.json());
        assert_eq!(t.document, obj_trust.document);
        assert_eq!(i.json(), obj_inline.json());
        assert!(t.errors.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_input_panics_the_loader(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = load::load_str("fuzz.json", &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn a_truncated_or_altered_export_never_panics(cut in 0usize..51_375, byte in any::<u8>()) {
        let text = std::fs::read(fixture("moto-account-authz-local.json")).unwrap();
        let cut = cut.min(text.len());
        let mut altered = text.clone();
        altered[cut.min(text.len() - 1)] = byte;
        let _ = load::load_str("cut.json", &String::from_utf8_lossy(&text[..cut]));
        let _ = load::load_str("altered.json", &String::from_utf8_lossy(&altered));
    }
}

#[test]
fn syntax_errors_in_files_are_located_in_the_file_as_written() {
    // Files lose their indentation before parsing; positions must still be the file's.
    let text = "{\n    \"Roles\": [\n        {\"Arn\": \"a\"   \"Path\": \"/\"}\n    ]\n}";
    let (from_file, _) = err_of(text.as_bytes());
    let from_text = load::load_str("input.json", text).unwrap_err();
    match (from_file, from_text) {
        (
            LoadError::Syntax { line, column, .. },
            LoadError::Syntax {
                line: l, column: c, ..
            },
        ) => {
            assert_eq!((line, column), (l, c));
            assert_eq!((line, column), (3, 23));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_file_loads_as_its_text_does() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/moto-account-authz-inuse.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let from_file = load::load_paths(std::slice::from_ref(&path)).unwrap();
    let from_text = load::load_str(&path.display().to_string(), &text).unwrap();
    let docs = |inv: &rolescope::engine::model::Inventory| -> Vec<String> {
        let mut out = Vec::new();
        for r in &inv.roles {
            out.push(format!("{} {}", r.arn, r.trust_policy.text));
            out.extend(r.inline_policies.iter().map(|p| p.policy.text.to_string()));
        }
        for p in &inv.policies {
            out.extend(p.versions.iter().map(|v| v.policy.text.to_string()));
        }
        out
    };
    assert!(from_file.roles.len() > 5);
    assert_eq!(docs(&from_file), docs(&from_text));
    assert_eq!(
        serde_json::to_value(&from_file.roles[0].trust_policy).unwrap(),
        serde_json::to_value(&from_text.roles[0].trust_policy).unwrap()
    );
}

#[test]
fn the_same_user_or_group_with_another_id_is_a_conflict_and_with_the_same_id_is_kept_once() {
    let export = |user_id: &str, group_id: &str| {
        format!(
            r#"{{"UserDetailList": [{{"UserName": "ana", "UserId": "{user_id}", "Arn": "arn:aws:iam::111122223333:user/ana"}}],
                "GroupDetailList": [{{"GroupName": "ops", "GroupId": "{group_id}", "Arn": "arn:aws:iam::111122223333:group/ops"}}]}}"#
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir, "a.json", export("AIDA1", "AGPA1").as_bytes());
    let same = write(&dir, "same.json", export("AIDA1", "AGPA1").as_bytes());
    let inv = load::load_paths(&[a.clone(), same]).unwrap();
    assert_eq!((inv.users.len(), inv.groups.len()), (1, 1));
    for (other, what) in [
        (export("AIDA2", "AGPA1"), "user id `AIDA1` against `AIDA2`"),
        (export("AIDA1", "AGPA2"), "group id `AGPA1` against `AGPA2`"),
    ] {
        let b = write(&dir, "b.json", other.as_bytes());
        let e = load::load_paths(&[a.clone(), b]).unwrap_err();
        assert!(matches!(e, LoadError::Conflict { .. }), "{e:?}");
        assert!(e.to_string().contains(what), "{e}");
    }
}
