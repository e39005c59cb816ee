use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::sor_snapshot::SnapshotFiles;
use crate::{Result, StoreError};

/// The embedded migrations, in order. Never edit a released one: add the next.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_decisions.sql"),
    include_str!("../migrations/0003_outbox.sql"),
    include_str!("../migrations/0004_learning.sql"),
    include_str!("../migrations/0005_sor_columns.sql"),
    include_str!("../migrations/0006_sor_snapshot_file.sql"),
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An open database. Holds an exclusive lock on `<db>.lock` so a second instance gets a clear
/// message instead of a silent tug-of-war.
pub struct Store {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
    /// Where the SOR snapshot files are (after `conn`: a temporary folder outlives the
    /// connection that has its file attached).
    pub(crate) snapshots: SnapshotFiles,
    _lock: Option<File>,
}

impl Store {
    /// Opens (and creates or upgrades) the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Unopenable {
                path: path.to_owned(),
                detail: format!("mappen {} kan ikke oprettes ({e})", dir.display()),
            })?;
        }
        let lock = acquire_lock(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify_open_error(path, e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_owned()),
            snapshots: SnapshotFiles::beside(path),
            _lock: Some(lock),
        };
        store
            .configure()
            .map_err(|e| classify_open_error(path, e))?;
        store.migrate()?;
        store.attach_sor_snapshot()?;
        Ok(store)
    }

    /// A fresh database in memory (tests, benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: None,
            snapshots: SnapshotFiles::in_temp_dir()?,
            _lock: None,
        };
        store.configure()?;
        store.migrate()?;
        store.attach_sor_snapshot()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn display_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from(":memory:"))
    }

    fn configure(&mut self) -> rusqlite::Result<()> {
        // Reading the schema first makes a non-database file fail here, before any write.
        self.conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
        // 16 KiB pages for a new database (an existing one keeps its size): a SOR snapshot is
        // ~60 MB written and read back in page-sized system calls, four times fewer than with
        // the default 4 KiB (measured in docs/BENCH-SOR.md). It must precede WAL mode, which
        // creates the file.
        self.conn.pragma_update(None, "page_size", 16384)?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Applies the missing migrations, each in its own transaction together with the version bump.
    fn migrate(&mut self) -> Result<()> {
        let found = self.schema_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: self.display_path(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Number of rows in a table (for statistics). `table` is one of this crate's own names.
    pub fn count(&self, sql_from_where: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row(&format!("SELECT count(*) FROM {sql_from_where}"), [], |r| {
                r.get(0)
            })?)
    }
}

fn acquire_lock(db: &Path) -> Result<File> {
    let mut lock_path = db.as_os_str().to_owned();
    lock_path.push(".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StoreError::Unopenable {
            path: db.to_owned(),
            detail: e.to_string(),
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            path: db.to_owned(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Unopenable {
            path: db.to_owned(),
            detail: e.to_string(),
        }),
    }
}

fn classify_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_owned(),
        },
        Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::PermissionDenied) => StoreError::Unopenable {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Locked {
            path: path.to_owned(),
        },
        _ => StoreError::Sqlite(e),
    }
}
