//! The floor `cargo xtask bench-validate` compares `orcid validate` with: every `.xml` file
//! under the folders given read and run through quick-xml's plain event loop, building
//! nothing. Prints the number of events.

fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|e| e == "xml") {
            files.push(path);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for dir in std::env::args().skip(1) {
        walk(std::path::Path::new(&dir), &mut files);
    }
    files.sort();
    let mut events = 0usize;
    let mut buffer = Vec::new();
    for file in files {
        buffer.clear();
        use std::io::Read;
        std::fs::File::open(&file).and_then(|mut f| f.read_to_end(&mut buffer)).expect("readable");
        let mut reader = quick_xml::Reader::from_reader(&buffer[..]);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => events += 1,
                Err(e) => panic!("{}: {e}", file.display()),
            }
        }
    }
    println!("{events}");
}
