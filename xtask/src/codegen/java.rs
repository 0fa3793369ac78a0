//! Reads the constants of a Java enum from its source: the lists ORCID keeps in
//! `org.orcid.jaxb.model.common` (and, for the CRediT roles, in ORCID-Source).
//!
//! ORCID's enums come in two shapes: `JOURNAL_ARTICLE("journal-article")`, whose value is the
//! first string argument, and bare names (`AF, AX, ...`, `zh_CN`), whose value is the name. A
//! `fromValue` that maps other spellings (`case "dataset": return WorkType.DATA_SET;`) gives the
//! aliases ORCID accepts. Nothing here runs Java: the source is scanned as tokens, and anything
//! this reader does not understand stops it with the file and line, rather than being guessed at.

use anyhow::{Result, bail};

/// One enum constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constant {
    /// The Java name (`JOURNAL_ARTICLE`).
    pub name: String,
    /// The value ORCID reads and writes: the first string argument, else the name.
    pub value: String,
    /// The line it is on (from 1).
    pub line: usize,
}

/// What a Java enum source holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaEnum {
    /// The enum's name.
    pub name: String,
    /// Its constants, in their order.
    pub constants: Vec<Constant>,
    /// Other spellings `fromValue` maps to a constant: (spelling, the constant's value).
    pub aliases: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

/// Splits Java source into identifiers, string literals and punctuation, with their lines;
/// comments and whitespace are dropped.
fn tokens(src: &str, file: &str) -> Result<Vec<(Tok, usize)>> {
    let bytes = src.as_bytes();
    let (mut i, mut line) = (0, 1);
    let mut out = Vec::new();
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
            }
            _ if b.is_ascii_whitespace() => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = line;
                i += 2;
                loop {
                    match bytes.get(i) {
                        None => bail!("{file}:{start}: a comment that never ends"),
                        Some(b'*') if bytes.get(i + 1) == Some(&b'/') => {
                            i += 2;
                            break;
                        }
                        Some(b'\n') => line += 1,
                        Some(_) => {}
                    }
                    i += 1;
                }
            }
            b'"' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => bail!("{file}:{line}: a string literal that never ends"),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let escaped = match bytes.get(i + 1) {
                                Some(b'"') => '"',
                                Some(b'\\') => '\\',
                                Some(b'\'') => '\'',
                                Some(b'n') => '\n',
                                Some(b't') => '\t',
                                other => bail!(
                                    "{file}:{line}: a string escape this reader does not know (\\{})",
                                    other.map(|&b| b as char).unwrap_or(' ')
                                ),
                            };
                            value.push(escaped);
                            i += 2;
                        }
                        Some(_) => {
                            // A whole UTF-8 character: the source is text.
                            let ch = src[i..].chars().next().expect("in bounds");
                            value.push(ch);
                            i += ch.len_utf8();
                        }
                    }
                }
                i += 1;
                out.push((Tok::Str(value), line));
            }
            b'\'' => {
                // A char literal: kept as punctuation-free noise (ORCID's enums compare strings).
                let end = src[i + 1..].find('\'').map(|e| i + 2 + e).unwrap_or(bytes.len());
                i = end;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                    i += 1;
                }
                out.push((Tok::Ident(src[start..i].to_owned()), line));
            }
            _ if b.is_ascii() => {
                out.push((Tok::Punct(b as char), line));
                i += 1;
            }
            _ => bail!("{file}:{line}: a character outside identifiers and strings ({:?})", src[i..].chars().next()),
        }
    }
    Ok(out)
}

/// Reads the enum in `src` (the file's text; `file` names it in errors).
pub fn read(src: &str, file: &str) -> Result<JavaEnum> {
    let toks = tokens(src, file)?;
    let Some(at) = toks.iter().position(|(t, _)| *t == Tok::Ident("enum".into())) else {
        bail!("{file}: no `enum` declaration");
    };
    let Some((Tok::Ident(name), _)) = toks.get(at + 1) else {
        bail!("{file}:{}: `enum` without a name", toks[at].1);
    };
    let Some(open) = toks[at..].iter().position(|(t, _)| *t == Tok::Punct('{')).map(|p| at + p) else {
        bail!("{file}: the enum {name} has no body");
    };
    let mut i = open + 1;
    let mut constants: Vec<Constant> = Vec::new();
    loop {
        // Annotations before a constant (`@Deprecated`, `@XmlEnumValue("x")`).
        while let Some((Tok::Punct('@'), _)) = toks.get(i) {
            i += 2;
            if let Some((Tok::Punct('('), _)) = toks.get(i) {
                i = skip_group(&toks, i, file)?;
            }
        }
        let Some((tok, line)) = toks.get(i) else {
            bail!("{file}: the enum {name} ends before its constants do");
        };
        let line = *line;
        match tok {
            Tok::Punct(';') | Tok::Punct('}') => break,
            Tok::Ident(constant) => {
                i += 1;
                let mut value = constant.clone();
                if let Some((Tok::Punct('('), _)) = toks.get(i) {
                    match toks.get(i + 1) {
                        Some((Tok::Str(s), _)) => value = s.clone(),
                        _ => bail!("{file}:{line}: the constant {constant}'s first argument is not a string literal"),
                    }
                    i = skip_group(&toks, i, file)?;
                }
                if let Some((Tok::Punct('{'), _)) = toks.get(i) {
                    bail!("{file}:{line}: the constant {constant} has a body of its own, which this reader does not read");
                }
                if constants.iter().any(|c| c.value == value) {
                    bail!("{file}:{line}: the value {value:?} is given twice");
                }
                constants.push(Constant { name: constant.clone(), value, line });
                match toks.get(i) {
                    Some((Tok::Punct(','), _)) => i += 1,
                    Some((Tok::Punct(';' | '}'), _)) => {}
                    Some((t, l)) => bail!("{file}:{l}: after the constant {constant}, expected `,` or `;`, found {t:?}"),
                    None => bail!("{file}: the enum {name} ends after {constant}"),
                }
            }
            other => bail!("{file}:{line}: expected an enum constant, found {other:?}"),
        }
    }
    if constants.is_empty() {
        bail!("{file}: the enum {name} has no constants");
    }
    let aliases = aliases(&toks, name, &constants, file)?;
    Ok(JavaEnum { name: name.clone(), constants, aliases })
}

/// Skips a balanced `( ... )` starting at `i`; the index after it.
fn skip_group(toks: &[(Tok, usize)], i: usize, file: &str) -> Result<usize> {
    let mut depth = 0usize;
    for (j, (t, _)) in toks.iter().enumerate().skip(i) {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    return Ok(j + 1);
                }
            }
            _ => {}
        }
    }
    bail!("{file}:{}: a parenthesis that never closes", toks[i].1)
}

/// `case "spelling": return Enum.CONSTANT;` anywhere after the constants: the spellings
/// `fromValue` maps. Several `case`s may share one `return`.
fn aliases(toks: &[(Tok, usize)], name: &str, constants: &[Constant], file: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match (&toks[i].0, toks.get(i + 1).map(|t| &t.0), toks.get(i + 2).map(|t| &t.0)) {
            (Tok::Ident(case), Some(Tok::Str(spelling)), Some(Tok::Punct(':'))) if case == "case" => {
                pending.push(spelling.clone());
                i += 3;
            }
            (Tok::Ident(ret), _, _) if ret == "return" && !pending.is_empty() => {
                let target = match (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)) {
                    (Some((Tok::Ident(e), _)), Some((Tok::Punct('.'), _)), Some((Tok::Ident(c), _))) if e == name => c,
                    _ => bail!("{file}:{}: a `case` of strings that does not return one of {name}'s constants", toks[i].1),
                };
                let Some(constant) = constants.iter().find(|c| &c.name == target) else {
                    bail!("{file}:{}: {name}.{target} is not a constant of {name}", toks[i].1);
                };
                out.extend(pending.drain(..).map(|s| (s, constant.value.clone())));
                i += 4;
            }
            _ => i += 1,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valued_constants_with_aliases() {
        let src = r#"package x;
/** A list. */
public enum WorkType implements Serializable {
    // a comment
    ANNOTATION("annotation"),
    @Deprecated
    BOOK_CHAPTER("book-chapter"), /* and "this" */
    DATA_SET("data-set");
    private final String value;
    public static WorkType fromValue(String v) {
        switch (v) {
        case "chapter":
            return WorkType.BOOK_CHAPTER;
        case "dataset": case "data set":
            return WorkType.DATA_SET;
        }
        throw new IllegalArgumentException(v);
    }
}"#;
        let e = read(src, "WorkType.java").unwrap();
        assert_eq!(e.name, "WorkType");
        let values: Vec<_> = e.constants.iter().map(|c| (c.name.as_str(), c.value.as_str(), c.line)).collect();
        assert_eq!(values, [("ANNOTATION", "annotation", 5), ("BOOK_CHAPTER", "book-chapter", 7), ("DATA_SET", "data-set", 8)]);
        assert_eq!(
            e.aliases,
            [("chapter".into(), "book-chapter".into()), ("dataset".into(), "data-set".into()), ("data set".into(), "data-set".into())]
        );
    }

    #[test]
    fn bare_constants_and_two_arguments() {
        let e = read("public enum LanguageCode { ab, zh_CN, in; public static String[] getValues() { return null; } }", "L.java").unwrap();
        assert_eq!(e.constants.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["ab", "zh_CN", "in"]);
        let e = read(r#"enum CreditRole { A("http://x/a/", "a"), B("http://x/b/", "b - \"c\"") }"#, "C.java").unwrap();
        assert_eq!(e.constants.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["http://x/a/", "http://x/b/"]);
    }

    #[test]
    fn what_it_does_not_understand_names_file_and_line() {
        let err = |src: &str| read(src, "X.java").unwrap_err().to_string();
        assert_eq!(err("enum X {\n  A(\"a\"),\n  B(VALUE_B);\n}"), "X.java:3: the constant B's first argument is not a string literal");
        assert_eq!(
            err("enum X {\n  A(\"a\") { void f() {} };\n}"),
            "X.java:2: the constant A has a body of its own, which this reader does not read"
        );
        assert_eq!(err("enum X { A(\"a\"), B(\"a\") }"), "X.java:1: the value \"a\" is given twice");
        assert_eq!(err("class X { }"), "X.java: no `enum` declaration");
        assert_eq!(err("enum X { A(\"a\n\") }"), "X.java:1: a string literal that never ends");
        assert_eq!(
            err("enum X { A(\"a\"); X f(String v) { switch (v) { case \"b\": return Y.A; } } }"),
            "X.java:1: a `case` of strings that does not return one of X's constants"
        );
        assert_eq!(
            err("enum X { A(\"a\"); X f(String v) { switch (v) { case \"b\": return X.C; } } }"),
            "X.java:1: X.C is not a constant of X"
        );
    }
}
