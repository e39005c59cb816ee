//! Opening a SOR export on disk: plain XML or a zip archive with the XML inside.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use sorkomp_model::SorEntity;

use crate::error::SorError;
use crate::parse::{read_entities, SorHeader};

const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// Opens a path: plain XML or a zip with one XML inside; detects which.
pub fn read_file(
    path: &Path,
    on_entity: impl FnMut(SorEntity) -> Result<(), SorError>,
) -> Result<SorHeader, SorError> {
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let io_err = |err| SorError::Io {
        file: path.display().to_string(),
        err,
    };
    let mut file = File::open(path).map_err(io_err)?;
    if file.metadata().map_err(io_err)?.len() == 0 {
        return Err(SorError::Empty { file: source });
    }
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(io_err)?;
    file.seek(SeekFrom::Start(0)).map_err(io_err)?;
    if n == 4 && &magic == ZIP_MAGIC {
        return read_zip(file, &source, on_entity);
    }
    read_entities(file, &source, on_entity)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn read_zip(
    file: File,
    source: &str,
    on_entity: impl FnMut(SorEntity) -> Result<(), SorError>,
) -> Result<SorHeader, SorError> {
    let zip_err = |problem: String| SorError::Zip {
        file: source.to_string(),
        problem,
    };
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| zip_err(format!("zip-filen er beskadiget eller ufuldstændig: {e}")))?;
    let xml_names: Vec<String> = archive
        .file_names()
        .filter(|n| n.to_ascii_lowercase().ends_with(".xml"))
        .map(str::to_string)
        .collect();
    let chosen = xml_names
        .iter()
        .find(|n| {
            let base = n.rsplit('/').next().unwrap_or(n);
            base.eq_ignore_ascii_case("sor.xml")
        })
        .or(match xml_names.as_slice() {
            [only] => Some(only),
            _ => None,
        });
    let Some(name) = chosen.cloned() else {
        return Err(zip_err(if xml_names.is_empty() {
            "zip-filen indeholder ingen XML-fil; forventede Sor.xml".to_string()
        } else {
            format!(
                "zip-filen indeholder flere XML-filer ({}) og ingen hedder Sor.xml",
                xml_names.join(", ")
            )
        }));
    };
    let entry = archive
        .by_name(&name)
        .map_err(|e| zip_err(format!("kan ikke læse {name} i zip-filen: {e}")))?;
    if entry.size() == 0 {
        return Err(SorError::Empty {
            file: format!("{source}/{name}"),
        });
    }
    read_entities(entry, &format!("{source}/{name}"), on_entity)
}
