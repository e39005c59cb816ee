//! Where the SOR snapshot lives: in a file of its own beside the database (`<db>-sor-<n>`),
//! attached to the connection as schema `sor`. The main database has no `sor_entity` table, so
//! every query's plain `sor_entity` is the attached one.
//!
//! A snapshot file is written once, by one import, and never changed afterwards: the import
//! writes the next file through a connection of its own without a journal (nothing to roll
//! back: a failed file is deleted), syncs it to disk, and only then names it as the current one
//! in the main database, in the transaction that also logs the changes. Its pages are thus
//! written once, instead of to the WAL and again to the database by the checkpoint. A file the
//! main database does not name (an import cut short by a crash, a replaced snapshot) is deleted
//! when the store opens; the one it names is always complete.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::{Result, Store, StoreError};

/// The setting naming the current snapshot file (a file name in [`SnapshotFiles`]'s folder).
const CURRENT: &str = "sor_snapshot_file";

/// Page cache for the snapshot being written and for the current one, in KiB: the three
/// indexes of a national snapshot (~15 MB) stay in memory while rows arrive in document order
/// (ids in no particular order), and the comparison looks up the current rows by id. SQLite
/// fills it only as pages are used.
pub(crate) const SNAPSHOT_CACHE_KIB: i64 = 32 * 1024;

/// Page cache for the next snapshot while it is compared, in KiB: it is mostly read in order,
/// and only its id index is searched. (32 MiB here too put ~27 MiB on the peak of a nightly
/// re-import for no measurable gain; docs/BENCH-SOR.md.)
pub(crate) const NEXT_CACHE_KIB: i64 = 8 * 1024;

/// A snapshot file's schema. The indexes exist before the first row, so they grow on the
/// store's thread while the parser reads ahead on its own (instead of being built after the
/// file), and the unique one refuses a duplicate id at once.
const SNAPSHOT_DDL: &str = "
    CREATE TABLE sor_entity (
        sor_id TEXT NOT NULL, level TEXT NOT NULL, parent_id TEXT, owner_id TEXT NOT NULL,
        name TEXT NOT NULL, cvr TEXT, postcode TEXT, data TEXT NOT NULL
    );
    CREATE UNIQUE INDEX sor_entity_id ON sor_entity(sor_id);
    CREATE INDEX sor_entity_owner ON sor_entity(owner_id);
    CREATE INDEX sor_entity_parent ON sor_entity(parent_id);";

/// The folder and name prefix of a store's snapshot files.
pub(crate) struct SnapshotFiles {
    dir: PathBuf,
    prefix: String,
    /// An in-memory store keeps its snapshot files in a temporary folder.
    _temp: Option<tempfile::TempDir>,
}

impl SnapshotFiles {
    pub(crate) fn beside(db: &Path) -> SnapshotFiles {
        let dir = db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned();
        let name = db
            .file_name()
            .map_or("sorkomp".into(), |n| n.to_string_lossy());
        SnapshotFiles {
            dir,
            prefix: format!("{name}-sor-"),
            _temp: None,
        }
    }

    pub(crate) fn in_temp_dir() -> Result<SnapshotFiles> {
        let temp = tempfile::tempdir().map_err(|e| StoreError::SnapshotFile {
            path: std::env::temp_dir(),
            detail: e.to_string(),
        })?;
        Ok(SnapshotFiles {
            dir: temp.path().to_owned(),
            prefix: "memory-sor-".into(),
            _temp: Some(temp),
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The snapshot files in the folder, by generation.
    fn existing(&self) -> Vec<(u64, String)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                let generation = name.strip_prefix(&self.prefix)?.parse().ok()?;
                Some((generation, name))
            })
            .collect()
    }

    /// A name no file in the folder has yet.
    fn next_name(&self) -> String {
        let last = self.existing().into_iter().map(|(g, _)| g).max();
        format!("{}{}", self.prefix, last.map_or(1, |g| g + 1))
    }

    /// Deletes every snapshot file (and journal of one) but `keep`.
    fn remove_all_but(&self, keep: &str) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(rest) = name.strip_prefix(&self.prefix) else {
                continue;
            };
            let generation = rest.strip_suffix("-journal").unwrap_or(rest);
            if name != keep && generation.parse::<u64>().is_ok() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A file deleted when dropped, unless [`kept`](PendingFile::kept).
pub(crate) struct PendingFile(Option<PathBuf>);

impl PendingFile {
    pub(crate) fn path(&self) -> &Path {
        self.0
            .as_deref()
            .expect("a pending file has a path until kept")
    }

    pub(crate) fn kept(mut self) {
        self.0 = None;
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A snapshot file being written, through its own connection, in one transaction.
pub(crate) struct SnapshotWriter {
    conn: Connection,
    file: PendingFile,
    name: String,
}

impl SnapshotWriter {
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Commits the file and waits until it is on disk. It is still deleted when the returned
    /// file is dropped, until the main database names it.
    pub(crate) fn complete(self) -> Result<PendingFile> {
        let SnapshotWriter { conn, file, .. } = self;
        conn.execute_batch("COMMIT")?;
        conn.close().map_err(|(_, e)| e)?;
        on_disk(file.path()).map_err(|e| StoreError::SnapshotFile {
            path: file.path().to_owned(),
            detail: e.to_string(),
        })?;
        Ok(file)
    }
}

/// Waits until the file at `path`, and its entry in its folder, are on disk.
fn on_disk(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()?;
    // A folder is synced on Unix; Windows cannot open one as a file and records the entry with
    // the file's own metadata.
    #[cfg(unix)]
    File::open(path.parent().unwrap_or(Path::new(".")))?.sync_all()?;
    Ok(())
}

impl Store {
    /// Starts the next snapshot file, empty but for its schema. The name is claimed by creating
    /// the file, so two imports at once never share one.
    pub(crate) fn start_snapshot_file(&self) -> Result<SnapshotWriter> {
        let (name, file) = loop {
            let name = self.snapshots.next_name();
            let path = self.snapshots.path(&name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => break (name, PendingFile(Some(path))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(StoreError::SnapshotFile {
                        path,
                        detail: e.to_string(),
                    })
                }
            }
        };
        let conn = Connection::open_with_flags(
            file.path(),
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // No journal and no sync per write: a file that is not complete is deleted, never
        // repaired; `complete` syncs it once.
        conn.execute_batch(&format!(
            "PRAGMA page_size = 16384;
             PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -{SNAPSHOT_CACHE_KIB};
             BEGIN;
             {SNAPSHOT_DDL}"
        ))?;
        Ok(SnapshotWriter { conn, file, name })
    }

    /// Attaches the current snapshot file as `sor` (run at open, after the migrations). A
    /// database from before schema 6 still holds its snapshot in `sor_entity_legacy`
    /// (migration 6 renamed it): it moves to a file of its own first. A database with no
    /// snapshot (or whose file is gone) gets an empty one.
    pub(crate) fn attach_sor_snapshot(&mut self) -> Result<()> {
        let legacy: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM main.sqlite_schema
                            WHERE type = 'table' AND name = 'sor_entity_legacy')",
            [],
            |r| r.get(0),
        )?;
        let current = self
            .setting(CURRENT)?
            .filter(|name| self.snapshots.path(name).is_file());
        let current = match current {
            Some(name) if !legacy => name,
            _ => {
                let writer = self.start_snapshot_file()?;
                let name = writer.name().to_owned();
                let file = writer.complete()?;
                if legacy {
                    self.attach_as(file.path(), "sor_next", NEXT_CACHE_KIB)?;
                    let copied = self.conn.execute_batch(
                        "INSERT INTO sor_next.sor_entity
                             (sor_id, level, parent_id, owner_id, name, cvr, postcode, data)
                         SELECT sor_id, level, parent_id, owner_id, name, cvr, postcode, data
                         FROM main.sor_entity_legacy",
                    );
                    self.conn.execute_batch("DETACH DATABASE sor_next")?;
                    copied?;
                }
                let tx = self.conn.transaction()?;
                Store::record_sor_snapshot(&tx, file.path())?;
                tx.execute_batch("DROP TABLE IF EXISTS main.sor_entity_legacy")?;
                tx.commit()?;
                file.kept();
                name
            }
        };
        self.snapshots.remove_all_but(&current);
        self.attach_as(&self.snapshots.path(&current), "sor", SNAPSHOT_CACHE_KIB)
    }

    /// Attaches the snapshot file at `path` as `schema`, with a page cache of `cache_kib`.
    pub(crate) fn attach_as(&self, path: &Path, schema: &str, cache_kib: i64) -> Result<()> {
        let path = path.to_str().ok_or_else(|| StoreError::SnapshotFile {
            path: path.to_owned(),
            detail: "stien er ikke gyldig UTF-8".into(),
        })?;
        self.conn
            .execute(&format!("ATTACH DATABASE ?1 AS {schema}"), [path])?;
        self.conn
            .pragma_update(Some(schema), "cache_size", -cache_kib)?;
        Ok(())
    }

    /// Makes the file `next` (named in the main database by the caller's committed
    /// transaction) the attached snapshot, and deletes the one it replaces.
    pub(crate) fn switch_sor_snapshot(&mut self, next: PendingFile) -> Result<()> {
        let previous = self
            .conn
            .query_row(
                "SELECT file FROM pragma_database_list WHERE name = 'sor'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?;
        self.conn.flush_prepared_statement_cache();
        if previous.is_some() {
            self.conn.execute_batch("DETACH DATABASE sor")?;
        }
        let attached = self.attach_as(next.path(), "sor", SNAPSHOT_CACHE_KIB);
        next.kept();
        if let Some(previous) = previous {
            let _ = std::fs::remove_file(previous);
        }
        attached
    }

    /// The name of the current snapshot file, as the main database records it.
    pub(crate) fn record_sor_snapshot(tx: &rusqlite::Transaction, next: &Path) -> Result<()> {
        let name = next
            .file_name()
            .and_then(|n| n.to_str())
            .expect("snapshot files are named by this module");
        tx.execute(
            "INSERT INTO setting(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [CURRENT, name],
        )?;
        Ok(())
    }
}
