//! Writing ORCID's JSON.

/// Builds a JSON document; the generated `ToJson` impls drive it.
pub struct JsonWriter {
    out: String,
    /// Reused for each scalar's text, to save an allocation per value.
    scratch: String,
    /// Per open container: whether it has a member yet.
    first: Vec<bool>,
    for_upload: bool,
    pretty: bool,
}

impl JsonWriter {
    /// A writer. `for_upload` leaves out what ORCID ignores or rejects on input (read-only
    /// dates, source, path, transient normalised identifiers); `pretty` indents by two spaces.
    pub fn new(for_upload: bool, pretty: bool) -> JsonWriter {
        JsonWriter { out: String::with_capacity(4096), scratch: String::new(), first: Vec::new(), for_upload, pretty }
    }

    /// Whether this is a body for upload.
    pub fn for_upload(&self) -> bool {
        self.for_upload
    }

    /// The document written.
    pub fn finish(mut self) -> String {
        if self.pretty {
            self.out.push('\n');
        }
        self.out
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.first.len() {
                self.out.push_str("  ");
            }
        }
    }

    fn separator(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.out.push(',');
            }
            *first = false;
            self.newline();
        }
    }

    /// `{`
    pub fn begin_object(&mut self) {
        self.out.push('{');
        self.first.push(true);
    }

    /// `}`
    pub fn end_object(&mut self) {
        let empty = self.first.pop().unwrap_or(true);
        if !empty {
            self.newline();
        }
        self.out.push('}');
    }

    /// `[`
    pub fn begin_array(&mut self) {
        self.out.push('[');
        self.first.push(true);
    }

    /// `]`
    pub fn end_array(&mut self) {
        self.end_object_like(']');
    }

    fn end_object_like(&mut self, close: char) {
        let empty = self.first.pop().unwrap_or(true);
        if !empty {
            self.newline();
        }
        self.out.push(close);
    }

    /// Starts an array element.
    pub fn element(&mut self) {
        self.separator();
    }

    /// Writes a key of the object opened last.
    pub fn key(&mut self, key: &str) {
        self.separator();
        self.string(key);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }

    /// Takes the scratch buffer (empty); give it back with [`JsonWriter::give_back`].
    pub fn take_scratch(&mut self) -> String {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        s
    }

    /// Returns the scratch buffer.
    pub fn give_back(&mut self, scratch: String) {
        self.scratch = scratch;
    }

    /// A string value.
    pub fn string(&mut self, s: &str) {
        self.out.push('"');
        if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
            self.out.push_str(s);
            self.out.push('"');
            return;
        }
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                c if (c as u32) < 0x20 => self.out.push_str(&format!("\\u{:04x}", c as u32)),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    /// A value written as is (numbers, `true`, `false`, `null`).
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }
}
