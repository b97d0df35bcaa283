//! The files the app writes: transcripts, caches, saved panels, the log.
//!
//! Owns: writing them safely — private (files 0600, folders 0700: they hold what the user
//! asked and what the answers said), atomic (a temporary file beside the target, then a
//! rename, so a crash or a full disk never leaves half a file where a whole one was), and
//! never following a symlink planted at a predictable name (temporary files have
//! unpredictable names and are created exclusively; the log refuses a symlink). Also
//! names that cannot collide (`unique`). Does not own: what goes into the files.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates `dir` and its missing parents, private to the user.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Options that create a new private file and fail if anything (a file, a symlink)
/// already has the name.
fn create_new() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Writes `bytes` to `path` atomically and privately: readers see the old file or the
/// whole new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent(path);
    private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{name}.{}.{:x}.tmp",
            std::process::id(),
            rand::random::<u64>()
        ));
        match create_new().open(&tmp) {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// A path in `dir` named `{stem}.{ext}` — or `{stem}-2.{ext}`, `-3`, … when taken —
/// reserved by creating it empty, so two saves in the same second get two files.
pub fn unique(dir: &Path, stem: &str, ext: &str) -> std::io::Result<PathBuf> {
    if !dir.as_os_str().is_empty() {
        private_dir(dir)?;
    }
    for n in 1..=1000u32 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match create_new().open(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("no free name for {stem}.{ext} in {}", dir.display()),
    ))
}

/// Opens the log for appending: private, its folder created private, and never through
/// a symlink (someone else's file would receive our diagnostics).
pub fn open_log(path: &Path) -> std::io::Result<File> {
    private_dir(parent(path))?;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a symbolic link; refusing to write through it",
        ));
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// The folder a file is in (`.` for a bare name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn atomic_writes_are_private_whole_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("deep/er/file.json");
        write_atomic(&path, b"one").expect("write");
        write_atomic(&path, b"two").expect("overwrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("deep/er"))
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| e.file_name() != "file.json")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.path().join("deep/er")), 0o700);
        }
    }

    #[test]
    fn unique_names_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = unique(dir.path(), "save-1", "json").expect("first");
        let b = unique(dir.path(), "save-1", "json").expect("second");
        assert_ne!(a, b);
        assert!(b.ends_with("save-1-2.json"), "{b:?}");
    }

    #[cfg(unix)]
    #[test]
    fn the_log_is_private_and_never_written_through_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("logs/app.log");
        drop(open_log(&log).expect("open"));
        assert_eq!(mode(&log), 0o600);
        let target = dir.path().join("someone-elses");
        std::fs::write(&target, "theirs").expect("write");
        let link = dir.path().join("linked.log");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert!(open_log(&link).is_err());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "theirs");
    }
}
