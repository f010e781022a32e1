//! What vendors publish, in our own small examples: each kind of document that once failed
//! (issue 13) now gives a crate, with warnings where something is lost, and specs split over
//! several files are read from their folder, never from outside it.

use std::fs;
use std::path::Path;

use generator::{generate, generate_file, Layout, Options, Output};

fn options() -> Options {
    Options {
        crate_name: "vendor".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "test".into(),
        layout: Layout::Standalone,
        ref_root: None,
    }
}

fn ok(text: &str) -> Output {
    generate(text, &options()).unwrap_or_else(|e| panic!("expected success, got {e}"))
}

fn source(out: &Output, file: &str) -> String {
    out.files
        .iter()
        .find(|f| f.path == std::path::Path::new("src").join(file))
        .map(|f| f.contents.clone())
        .unwrap_or_default()
}

fn warned(out: &Output, pointer: &str, words: &str) -> bool {
    out.warnings.iter().any(|w| w.pointer() == pointer && w.message.contains(words))
}

#[test]
fn non_ascii_descriptions_names_and_values_never_panic() {
    let long = "“Pretty” Certainty™ ".repeat(12);
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: Ünïcode™, version: '1', description: '{long}'}}\npaths:\n  /größe:\n    get:\n      \
         operationId: größeHolen\n      description: '{long}'\n      parameters:\n        - {{name: grüße™, in: query, schema: \
         {{type: string, enum: [“a”, ‘b’, 日本, 1™.]}}}}\n      responses:\n        '200':\n          description: '{long}'\n          \
         content:\n            application/json:\n              schema: {{type: object, description: '{long}', properties: \
         {{naïve™: {{type: string, description: '1”. {long}'}}}}}}\n"
    );
    let out = ok(&text);
    let ops = source(&out, "operations.rs");
    assert!(ops.contains("“Pretty”"), "{ops}");
    assert!(out.files.iter().all(|f| f.contents.lines().all(|l| l.chars().count() < 140)));
}

#[test]
fn responses_are_optional_in_3_1_and_tolerated_in_3_0() {
    let op = "paths:\n  /ping:\n    get:\n      operationId: ping\n";
    let out = ok(&format!("openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\n{op}"));
    assert!(source(&out, "operations.rs").contains("pub fn ping"));
    assert!(!out.warnings.iter().any(|w| w.message.contains("3.0 requires")), "{:?}", out.warnings);
    let out = ok(&format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\n{op}"));
    assert!(warned(&out, "/paths/~1ping/get", "OpenAPI 3.0 requires"), "{:?}", out.warnings);
}

#[test]
fn references_may_point_anywhere_in_the_document() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /users:\n    get:\n      operationId: listUsers\n      \
                parameters:\n        - {name: limit, in: query, schema: {type: integer}}\n      responses:\n        '200':\n          \
                description: ok\n          content:\n            application/json:\n              schema: {$ref: \
                '#/components/schemas/Disk/properties/filesystem'}\n  /admins:\n    get:\n      operationId: listAdmins\n      \
                parameters:\n        - $ref: '#/paths/~1users/get/parameters/0'\n      responses:\n        '200': {$ref: \
                '#/paths/~1users/get/responses/200'}\ncomponents:\n  schemas:\n    Disk:\n      type: object\n      properties:\n        \
                filesystem: {type: object, properties: {kind: {type: string}}}\n    Tag:\n      allOf:\n        - {type: object, \
                properties: {name: {type: string}}}\n    Label: {$ref: '#/components/schemas/Tag/allOf/0'}\n";
    let out = ok(text);
    let types = source(&out, "types.rs");
    assert!(types.contains("pub struct DiskFilesystem"), "{types}");
    assert!(types.contains("pub filesystem: Option<DiskFilesystem>"), "{types}");
    // `Label` is only a reference to `Tag/allOf/0`: the type is named `Label`.
    assert!(types.contains("pub struct Label") && types.contains("pub type Tag = Label;"), "{types}");
    let ops = source(&out, "operations.rs");
    assert!(ops.contains("pub fn list_admins") && ops.contains("fn limit("), "{ops}");
    assert!(ops.contains("types::DiskFilesystem"), "{ops}");
}

#[test]
fn numbers_beyond_64_bits_are_accepted() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Big:\n      type: object\n      \
                properties:\n        n: {type: integer, minimum: -9223372036854776000, maximum: 18446744073709551616000, default: \
                100000000000000000000000, example: 1e300}\n        s: {type: string, maxLength: 1e30}\n";
    let out = ok(text);
    assert!(source(&out, "types.rs").contains("pub n: Option<i64>"));
    assert!(warned(&out, "/components/schemas/Big/properties/n/minimum", "64-bit"), "{:?}", out.warnings);
    assert!(warned(&out, "/components/schemas/Big/properties/s/maxLength", "64-bit"), "{:?}", out.warnings);
}

#[test]
fn security_schemes_the_client_cannot_apply_are_warnings() {
    let text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    tls: {type: \
                mutualTLS}\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x/token', scopes: {}}}}\n    \
                oidc: {type: openIdConnect, openIdConnectUrl: 'https://x/.well-known'}\n    weird: {type: carrierPigeon}\n    \
                basic: {type: http, scheme: basic}\n";
    let out = ok(text);
    assert!(warned(&out, "/components/securitySchemes/tls", "http_client"), "{:?}", out.warnings);
    assert!(warned(&out, "/components/securitySchemes/oauth", "api_key(token)"), "{:?}", out.warnings);
    assert!(warned(&out, "/components/securitySchemes/weird", "carrierPigeon"), "{:?}", out.warnings);
    assert!(warned(&out, "/components/securitySchemes/basic", "Authorization"), "{:?}", out.warnings);
    // The OAuth2 token is sent as a bearer token.
    assert!(source(&out, "lib.rs").contains("AuthScheme::Bearer"));
    // An API key wins over a delegated OAuth2 token, whatever the order.
    let text = text.replace("    weird:", "    key: {type: apiKey, in: header, name: X-Key}\n    weird:");
    assert!(source(&ok(&text), "lib.rs").contains("x-key"));
}

#[test]
fn invalid_documents_vendors_publish_are_read_with_warnings() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers:\n  - url: 'https://{host}:{port}/v1'\n    variables:\n      \
                host: {default: example.com}\n      port: {default: 8443, enum: [8443, 443]}\npaths:\n  /a:\n    get:\n      \
                responses:\n        '200':\n          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}\n\
                components:\n  headers:\n  schemas:\n    Pet:\n      type: object\n      discriminator: petType\n      \
                required: [petType]\n      properties: {petType: {type: string}}\n";
    let out = ok(text);
    assert!(warned(&out, "/components/headers", "null"), "{:?}", out.warnings);
    assert!(warned(&out, "/components/schemas/Pet/discriminator", "propertyName"), "{:?}", out.warnings);
    assert!(warned(&out, "/paths/~1a/get/responses/200", "description"), "{:?}", out.warnings);
    assert!(warned(&out, "/servers/0/variables/port", "strings"), "{:?}", out.warnings);
    assert!(source(&out, "lib.rs").contains("https://example.com:8443/v1"));
    // Swagger habits: a numeric version, `in: body`, `required: true` on a property.
    let text = "openapi: 3.0\ninfo: {title: T, version: 1.0}\npaths:\n  /a:\n    post:\n      parameters:\n        - {name: b, in: \
                body, schema: {type: object}}\n        - {name: q, in: query, schema: {type: string}}\n      responses: {'204': \
                {description: none}}\ncomponents:\n  schemas:\n    P: {type: object, properties: {x: {type: string, required: \
                true}}}\n";
    let out = ok(text);
    assert!(warned(&out, "/openapi", "string"), "{:?}", out.warnings);
    assert!(warned(&out, "/paths/~1a/post/parameters/0", "requestBody"), "{:?}", out.warnings);
    assert!(warned(&out, "/components/schemas/P/properties/x/required", "list"), "{:?}", out.warnings);
    let ops = source(&out, "operations.rs");
    assert!(ops.contains("fn q(") && !ops.contains("fn b("), "{ops}");
}

/// Writes `files` (path, contents) under `dir`.
fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
}

const SPLIT_ROOT: &str =
    "openapi: 3.0.3\ninfo: {title: Split, version: '1'}\npaths:\n  /droplets:\n    $ref: './paths/droplets.yml'\n\
                          components:\n  schemas:\n    Pet: {$ref: 'models.yaml#/Pet'}\n";

#[test]
fn specs_split_over_files_are_read_from_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("api/openapi.yaml", SPLIT_ROOT),
            (
                "api/paths/droplets.yml",
                "get:\n  operationId: listDroplets\n  parameters:\n    - $ref: '../parameters.json#/perPage'\n  responses:\n    \
                 '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            type: array\n            \
                 items: {$ref: '../schemas/droplet.yml'}\n",
            ),
            ("api/parameters.json", "{\"perPage\": {\"name\": \"per_page\", \"in\": \"query\", \"schema\": {\"type\": \"integer\"}}}"),
            (
                "api/schemas/droplet.yml",
                "type: object\nproperties:\n  id: {type: integer}\n  next: {$ref: '#'}\n  owner: {$ref: '../models.yaml#/Pet'}\n  \
                 size: {$ref: '#/$defs/Size'}\n$defs:\n  Size: {type: string, enum: [s, m]}\n",
            ),
            ("api/models.yaml", "Pet:\n  type: object\n  properties:\n    name: {type: string}\n"),
        ],
    );
    let out = generate_file(&dir.path().join("api/openapi.yaml"), &options()).unwrap_or_else(|e| panic!("{e}"));
    let types = source(&out, "types.rs");
    assert!(types.contains("pub struct Droplet "), "{types}");
    assert!(types.contains("pub next: Option<Box<Droplet>>"), "{types}");
    assert!(types.contains("pub owner: Option<Pet>"), "{types}");
    assert!(types.contains("DropletSize"), "{types}");
    let ops = source(&out, "operations.rs");
    assert!(ops.contains("Vec<types::Droplet>") && ops.contains("fn per_page("), "{ops}");
    // The same spec as text: the file references are refused at their place.
    let e = generate(SPLIT_ROOT, &options()).unwrap_err();
    assert_eq!(e.location.pointer.as_deref(), Some("/components/schemas/Pet"), "{e}");
    assert!(e.message.contains("models.yaml#/Pet"), "{e}");
}

#[test]
fn missing_files_and_loops_are_reported_where_they_are_referred_to() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("openapi.yaml", SPLIT_ROOT),
            ("paths/droplets.yml", "get:\n  responses:\n    '200': {$ref: '../responses.yaml#/Missing'}\n"),
            ("responses.yaml", "Ok: {description: ok}\n"),
            ("models.yaml", "Pet: {$ref: 'models.yaml#/Cat'}\nCat: {$ref: '#/Pet'}\n"),
        ],
    );
    let e = generate_file(&dir.path().join("openapi.yaml"), &options()).unwrap_err();
    assert_eq!(e.location.file.as_deref(), Some(std::path::Path::new("paths/droplets.yml")), "{e}");
    assert_eq!(e.location.pointer.as_deref(), Some("/get/responses/200"), "{e}");
    assert!(e.message.contains("../responses.yaml#/Missing") && e.message.contains("has no `Missing`"), "{e}");
    fs::write(dir.path().join("paths/droplets.yml"), "get:\n  responses:\n    '200': {$ref: '../gone.yaml'}\n")
        .unwrap();
    let e = generate_file(&dir.path().join("openapi.yaml"), &options()).unwrap_err();
    assert!(e.message.contains("../gone.yaml") && e.message.contains("cannot read"), "{e}");
    fs::write(
        dir.path().join("paths/droplets.yml"),
        "get:\n  responses:\n    '200': {$ref: '../responses.yaml#/Ok'}\n",
    )
    .unwrap();
    let e = generate_file(&dir.path().join("openapi.yaml"), &options()).unwrap_err();
    assert!(e.message.contains("only to itself") || e.message.contains("loop"), "{e}");
}

#[test]
fn references_cannot_read_outside_the_specs_folder() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("secrets.yaml", "Secret: {type: string, description: do not read}\n"),
            ("spec/schemas/ok.yaml", "type: string\n"),
        ],
    );
    let outside = dir.path().join("secrets.yaml");
    let attempts = [
        "../secrets.yaml#/Secret".to_owned(),
        format!("{}#/Secret", outside.display()),
        "schemas/../../secrets.yaml#/Secret".to_owned(),
        "link/secrets.yaml#/Secret".to_owned(),
    ];
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path(), dir.path().join("spec/link")).unwrap();
    for reference in &attempts {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '{reference}'}}\n"
        );
        fs::write(dir.path().join("spec/openapi.yaml"), &text).unwrap();
        let spec = dir.path().join("spec/openapi.yaml");
        let e = generate_file(&spec, &options()).unwrap_err();
        assert_eq!(e.location.pointer.as_deref(), Some("/components/schemas/A"), "{reference}: {e}");
        assert!(
            e.message.contains("outside") || (cfg!(not(unix)) && reference.starts_with("link")),
            "{reference}: {e}"
        );
        // An explicit wider root allows it.
        let wider = Options { ref_root: Some(dir.path().to_path_buf()), ..options() };
        let out = generate_file(&spec, &wider).unwrap_or_else(|e| panic!("{reference}: {e}"));
        assert!(source(&out, "types.rs").contains("do not read"), "{reference}");
    }
    // Inside the folder is fine.
    fs::write(
        dir.path().join("spec/openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'schemas/ok.yaml'}\n",
    )
    .unwrap();
    generate_file(&dir.path().join("spec/openapi.yaml"), &options()).unwrap();
}
