//! SOR XML export: streaming parser and download.
