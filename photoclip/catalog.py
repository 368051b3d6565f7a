"""The SQLite catalog: the one source of truth for roots, photos, embeddings and the generation.

Only this module touches SQLite. Connections are per thread (WAL lets readers run beside the
one writer); writes are serialized by a lock and happen inside `transaction()` blocks.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from photoclip import cjk, places
from photoclip.errors import CatalogOutdatedError, LibraryError, LibraryFullError
from photoclip.ids import PhotoId, RootId
from photoclip.names import file_name_key, key_range, marked_words, name_key, one_spelling, spelling_key
from photoclip.rawfile import is_raw_name, one_shot, shot_stem, stands_for_raw
from photoclip.tagging import normalize_tag
from photoclip.when import date_in_name, date_of_folder

log = logging.getLogger(__name__)

SCHEMA_VERSION = 28
MIGRATION_WAIT_S = 5.0  # how long a process without the library's lock waits for its holder to update an older catalog

MOVED_BY_COPY_S = 24 * 3600.0
"""A photo forgotten while the library holds a copy of its bytes that came after it, at most this
long ago, was moved by copying (a file manager moving a folder between drives, rsync
--remove-source-files): the copy is found, and often indexed, before the original is deleted, which
can be hours later for a big folder, so the copy gets what the user said about it. A copy that came
before the original, or longer ago, is one the user keeps beside it: it keeps only its own tags."""

_SHOWN_AT = "COALESCE(taken_at, strftime('%Y-%m-%dT%H:%M:%S', mtime_ns / 1000000000, 'unixepoch'))"
"""When a photo was taken, as the library's views sort it: its EXIF date, else its file's (UTC,
which keeps the expression fit for an index; at worst hours off for undated photos)."""

_SURROGATES = re.compile("[\ud800-\udfff]")
_STAND_INS = re.compile("[\U0010f800-\U0010ffff]")
_STAND_IN_SHIFT = 0x10F800 - 0xD800


def _text(path: Path | str) -> str:
    """A path as the catalog stores it. SQLite text must be UTF-8, but a file name need not be
    (an old camera card, a zip from Windows): Python names such bytes with lone surrogates, which
    are stored as the last 2,048 code points of Unicode (private use; no real name holds them)."""
    text = str(path)
    if text.isascii() or not _SURROGATES.search(text):
        return text
    return _SURROGATES.sub(lambda m: chr(ord(m.group()) + _STAND_IN_SHIFT), text)


def _path_text(text: str) -> str:
    """A stored path back as the file system names it (the reverse of _text)."""
    if text.isascii() or not _STAND_INS.search(text):
        return text
    return _STAND_INS.sub(lambda m: chr(ord(m.group()) - _STAND_IN_SHIFT), text)


_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE roots (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        online INTEGER NOT NULL DEFAULT 1,
        added_at REAL NOT NULL
    );
    CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        hash TEXT,
        width INTEGER,
        height INTEGER,
        taken_at TEXT,
        format TEXT,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'indexed', 'failed')),
        failure TEXT,
        added_at REAL NOT NULL,
        indexed_at REAL
    );
    CREATE INDEX photos_root ON photos(root_id);
    CREATE INDEX photos_hash ON photos(hash);
    CREATE INDEX photos_status ON photos(status);
    CREATE INDEX photos_taken ON photos(taken_at);
    CREATE TABLE embeddings (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        vector BLOB NOT NULL,
        gen INTEGER NOT NULL
    );
    CREATE INDEX embeddings_gen ON embeddings(gen);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('generation', '0');
    """,
    # Hashes already stored keep their algorithm (rehashing a library means reading every
    # photo again); new catalogs use the fast one.
    2: """
    INSERT INTO meta (key, value)
        SELECT 'content_hash', 'blake2b-128' WHERE EXISTS (SELECT 1 FROM photos WHERE hash IS NOT NULL);
    INSERT OR IGNORE INTO meta (key, value) VALUES ('content_hash', 'xxh3-128');
    """,
    # A photo may hold vectors from two models while the library is embedded again with a
    # new one: search answers with the old vectors until the new ones are complete.
    3: """
    CREATE TABLE embeddings_v3 (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        vector BLOB NOT NULL,
        gen INTEGER NOT NULL,
        PRIMARY KEY (photo_id, model_id)
    );
    INSERT INTO embeddings_v3 (photo_id, model_id, vector, gen)
        SELECT photo_id, model_id, vector, gen FROM embeddings;
    DROP TABLE embeddings;
    ALTER TABLE embeddings_v3 RENAME TO embeddings;
    CREATE INDEX embeddings_gen ON embeddings(gen);
    """,
    # Photos the user said are not duplicates of each other, so they are not offered again.
    4: """
    CREATE TABLE distinct_photos (
        a INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        b INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        PRIMARY KEY (a, b),
        CHECK (a < b)
    );
    CREATE INDEX distinct_photos_b ON distinct_photos(b);
    """,
    # Tags: 'auto' ones are made from the vectors and redone when they change; 'user' ones
    # the user gave; 'rejected' ones the user took away, so auto-tagging does not bring
    # them back. Tags the user defined are described to the model by their prompt.
    5: """
    CREATE TABLE tags (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('auto', 'user', 'rejected')),
        score REAL NOT NULL DEFAULT 1.0,
        PRIMARY KEY (photo_id, tag)
    );
    CREATE INDEX tags_tag ON tags(tag, source, score);
    CREATE TABLE defined_tags (
        name TEXT PRIMARY KEY,
        prompt TEXT NOT NULL,
        added_at REAL NOT NULL
    );
    """,
    # Where a photo was taken (EXIF GPS), the country and region of its nearest town, and the
    # name of the town it is named by (places.Gazetteer.locate).
    6: """
    ALTER TABLE photos ADD COLUMN lat REAL;
    ALTER TABLE photos ADD COLUMN lon REAL;
    ALTER TABLE photos ADD COLUMN country TEXT;
    ALTER TABLE photos ADD COLUMN region TEXT;
    ALTER TABLE photos ADD COLUMN town TEXT;
    CREATE INDEX photos_lat ON photos(lat) WHERE lat IS NOT NULL;
    CREATE INDEX photos_town ON photos(town) WHERE town IS NOT NULL;
    CREATE INDEX photos_country ON photos(country, region) WHERE country IS NOT NULL;
    """,
    # A small grey thumbnail (looks.look_of): near-duplicates must look alike, not only mean alike.
    # Photos without an EXIF date sort by their file's date, as the date words of a search see them.
    7: f"""
    ALTER TABLE photos ADD COLUMN look BLOB;
    CREATE INDEX photos_shown ON photos({_SHOWN_AT} DESC, path);
    """,
    # Which of a photo's tags came from keywords in its file or another program's sidecar, so
    # one taken away there is taken away here too; and the captions people wrote (captions.py),
    # searchable by their words. The sidecar's are kept apart, since a sidecar can change
    # without the photo being read again.
    8: """
    CREATE TABLE keyword_tags (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('file', 'sidecar')),
        PRIMARY KEY (photo_id, tag, origin)
    );
    ALTER TABLE photos ADD COLUMN pixels_hash TEXT;
    CREATE INDEX photos_pixels_hash ON photos(pixels_hash) WHERE pixels_hash IS NOT NULL;
    CREATE VIRTUAL TABLE captions USING fts5(in_file, in_sidecar, tokenize = 'unicode61 remove_diacritics 2');
    CREATE TRIGGER photos_captions_gone AFTER DELETE ON photos BEGIN
        DELETE FROM captions WHERE rowid = old.id;
    END;
    """,
    # What is wrong with a photo indexed all the same (a JPEG cut short), so the user can
    # restore it and a clean-up never keeps it over an intact copy.
    9: """
    ALTER TABLE photos ADD COLUMN damage TEXT;
    CREATE INDEX photos_damaged ON photos(path) WHERE damage IS NOT NULL;
    """,
    # Captions in Chinese, Japanese and Korean searchable by their words (cjk.py): a column of
    # their characters and neighbour pairs. FTS5 tables take no new column, so it is rebuilt.
    10: """
    DROP TRIGGER photos_captions_gone;
    ALTER TABLE captions RENAME TO captions_9;
    CREATE VIRTUAL TABLE captions USING fts5(in_file, in_sidecar, cjk,
        tokenize = 'unicode61 remove_diacritics 2');
    INSERT INTO captions (rowid, in_file, in_sidecar, cjk)
        SELECT rowid, in_file, in_sidecar, cjk_index_terms(in_file, in_sidecar) FROM captions_9;
    DROP TABLE captions_9;
    CREATE TRIGGER photos_captions_gone AFTER DELETE ON photos BEGIN
        DELETE FROM captions WHERE rowid = old.id;
    END;
    """,
    # What the user said about a photo the library forgot (its folder removed, the file moved
    # away or trashed), by its bytes and its pixels: when they come back (the folder added
    # again, the file moved back, restored from the trash, edited in place by exiftool), so
    # do its tags and "not duplicates" marks. Keywords read from files are not kept: the file
    # gives them again. Tags are kept with the path they had, so each of two copies with the
    # same bytes gets back its own; a mark's key is the photo's pixels hash, else its content hash.
    # And captions' words that fold unlike they lower (Straße) are indexed folded too.
    11: """
    CREATE TABLE forgotten_tags (
        hash TEXT NOT NULL,
        pixels_hash TEXT,
        path TEXT NOT NULL,
        tag TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('user', 'rejected')),
        PRIMARY KEY (hash, path, tag)
    );
    CREATE INDEX forgotten_tags_pixels ON forgotten_tags(pixels_hash) WHERE pixels_hash IS NOT NULL;
    CREATE TABLE forgotten_distinct (
        key TEXT NOT NULL,
        other_key TEXT NOT NULL,
        PRIMARY KEY (key, other_key)
    );
    CREATE INDEX forgotten_distinct_other ON forgotten_distinct(other_key);
    CREATE TRIGGER photos_forgotten BEFORE DELETE ON photos WHEN old.hash IS NOT NULL BEGIN
        INSERT OR REPLACE INTO forgotten_tags (hash, pixels_hash, path, tag, source)
            SELECT old.hash, old.pixels_hash, old.path, t.tag, t.source FROM tags t
            WHERE t.photo_id = old.id AND t.source IN ('user', 'rejected')
            AND NOT EXISTS (SELECT 1 FROM keyword_tags k WHERE k.photo_id = old.id AND k.tag = t.tag);
        INSERT OR IGNORE INTO forgotten_distinct (key, other_key)
            SELECT COALESCE(old.pixels_hash, old.hash), COALESCE(p.pixels_hash, p.hash)
            FROM distinct_photos d JOIN photos p ON p.id = CASE WHEN d.a = old.id THEN d.b ELSE d.a END
            WHERE (d.a = old.id OR d.b = old.id) AND p.hash IS NOT NULL;
    END;
    UPDATE captions SET cjk = cjk_index_terms(in_file, in_sidecar);
    """,
    12: """
    ALTER TABLE photos ADD COLUMN name_key TEXT;
    UPDATE photos SET name_key = file_name_key(path);
    CREATE INDEX photos_name_key ON photos(name_key);
    """,
    # A tag is one tag whatever its case ("Lisbon" is "lisbon"), but is shown as the user or
    # another program first wrote it: "Grandma Rose", not "grandma rose".
    13: """
    CREATE TABLE tag_spellings (
        tag TEXT PRIMARY KEY,
        shown TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # Which of the user's tags they gave by hand: a keyword taken away in another program takes
    # its tag away here, but not the same tag given here by hand. A user tag no keyword gave was
    # given by hand. And the automatic tags export wrote into a photo's sidecar: another program
    # that edits the sidecar keeps them, and they must not come back as the user's keywords.
    14: """
    ALTER TABLE tags ADD COLUMN by_hand INTEGER NOT NULL DEFAULT 0;
    UPDATE tags SET by_hand = 1 WHERE source = 'user' AND NOT EXISTS
        (SELECT 1 FROM keyword_tags k WHERE k.photo_id = tags.photo_id AND k.tag = tags.tag);
    CREATE TABLE exported_auto_tags (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (photo_id, tag)
    ) WITHOUT ROWID;
    """,
    # Names are looked up without the accents of Latin letters: "zurich" finds "Zürich.jpg".
    15: """
    UPDATE photos SET name_key = file_name_key(path) WHERE name_key <> file_name_key(path);
    """,
    # A tag the user took off a photo is remembered with the photo when it is forgotten, though
    # a keyword in its file gave it (deleted or renamed in photoclip): a folder removed and added
    # again must not bring it back.
    16: """
    DROP TRIGGER photos_forgotten;
    CREATE TRIGGER photos_forgotten BEFORE DELETE ON photos WHEN old.hash IS NOT NULL BEGIN
        INSERT OR REPLACE INTO forgotten_tags (hash, pixels_hash, path, tag, source)
            SELECT old.hash, old.pixels_hash, old.path, t.tag, t.source FROM tags t
            WHERE t.photo_id = old.id AND (t.source = 'rejected' OR t.source = 'user'
            AND NOT EXISTS (SELECT 1 FROM keyword_tags k WHERE k.photo_id = old.id AND k.tag = t.tag));
        INSERT OR REPLACE INTO forgotten_tags (hash, pixels_hash, path, tag, source)
            SELECT DISTINCT old.hash, old.pixels_hash, old.path, k.tag, 'rejected' FROM keyword_tags k
            WHERE k.photo_id = old.id AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.photo_id = old.id AND t.tag = k.tag);
        INSERT OR IGNORE INTO forgotten_distinct (key, other_key)
            SELECT COALESCE(old.pixels_hash, old.hash), COALESCE(p.pixels_hash, p.hash)
            FROM distinct_photos d JOIN photos p ON p.id = CASE WHEN d.a = old.id THEN d.b ELSE d.a END
            WHERE (d.a = old.id OR d.b = old.id) AND p.hash IS NOT NULL;
    END;
    """,
    # A tiny colour thumbnail (looks.colours_of): a black-and-white copy is the same picture in
    # grey, and so is another photo of the same layout in other colours (a red shirt, a blue one).
    17: """
    ALTER TABLE photos ADD COLUMN colours BLOB;
    """,
    # A vector kept for search until its photo is embedded again, never lent to a copy: those of
    # photos more than twice as long as high (or high as wide), which the model saw cropped
    # before it saw them whole (imaging.WIDE).
    18: """
    ALTER TABLE embeddings ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
    UPDATE embeddings SET stale = 1
        WHERE photo_id IN (SELECT id FROM photos WHERE width > 2 * height OR height > 2 * width);
    """,
    # Every keyword export wrote into a photo's sidecar, the user's tags too: one the user deleted,
    # renamed or took off since must not come back once another program re-saves the sidecar.
    # Photos exported with their automatic tags were exported with the user's tags of then, likely
    # those they carry now. And the photos whose own sidecar photoclip knows it wrote just so: a
    # keyword in it that export did not write was added by hand, and is the user's (one in a
    # sidecar photoclip exported before it kept this, or one copied with its photo, may be a tag
    # deleted since, or an automatic one: none is read until export writes the sidecar again).
    19: """
    ALTER TABLE exported_auto_tags RENAME TO exported_tags;
    INSERT OR IGNORE INTO exported_tags (photo_id, tag)
        SELECT photo_id, tag FROM tags WHERE source = 'user' AND photo_id IN (SELECT photo_id FROM exported_tags);
    CREATE TABLE exported_sidecars (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE
    );
    """,
    # Names are looked up without the marks that are part of a Latin letter too ("lodz" finds
    # "Łódź.jpg"), and "İstanbul" is one word.
    20: """
    UPDATE photos SET name_key = file_name_key(path) WHERE name_key <> file_name_key(path);
    """,
    # Whether a photo's own file dates it and places it, and its own caption (FileFacts), apart from
    # what a Google Takeout JSON beside it adds: a JSON that changed while the photo did not is read
    # again without decoding the photo. Photos read before have none: they are decoded for it once.
    21: """
    CREATE TABLE IF NOT EXISTS file_facts (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        dated INTEGER NOT NULL,
        placed INTEGER NOT NULL,
        caption TEXT
    );
    """,
    # Names are looked up without the accents of Greek letters too: "ακροπολη" finds "Ακρόπολη.jpg".
    22: """
    UPDATE photos SET name_key = file_name_key(path) WHERE name_key <> file_name_key(path);
    """,
    # A tag is known without the dot "İ" keeps in lower case (tagging.normalize_tag): "İstanbul" and
    # "istanbul" were two tags. Where a photo had both, the one the user gave stays.
    23: """
    DELETE FROM tags WHERE instr(tag, 'i\u0307') = 0 AND source <> 'user' AND EXISTS (SELECT 1 FROM tags d
        WHERE d.photo_id = tags.photo_id AND d.source = 'user' AND replace(d.tag, 'i\u0307', 'i') = tags.tag);
    """ + "".join(f"""
    UPDATE OR IGNORE {table} SET {column} = replace({column}, 'i\u0307', 'i') WHERE instr({column}, 'i\u0307') > 0;
    DELETE FROM {table} WHERE instr({column}, 'i\u0307') > 0;""" for table, column in (
        ("tags", "tag"), ("defined_tags", "name"), ("keyword_tags", "tag"), ("forgotten_tags", "tag"),
        ("tag_spellings", "tag"), ("exported_tags", "tag"))),
    # Captions are found without the accents of Greek letters and by Latin letters whose mark is part of
    # the letter, as names are: "ακροπολη" finds "Ακρόπολη", "lodz" finds "Łódź".
    24: """
    UPDATE captions SET cjk = cjk_index_terms(in_file, in_sidecar)
        WHERE cjk IS NOT cjk_index_terms(in_file, in_sidecar);
    """,
    # The date a photo's own file gives is kept apart from the one it has (FileFacts): a date another
    # program wrote in a sidecar beats it, and it comes back once that sidecar goes. So does the file's
    # ModifyDate, which the date in its name beats. Until now a photo its file dated had that date. The
    # table is made anew, not altered, so that the step runs on a catalog of either shape. Photos only
    # their names date are dated anew where the name says more now: Facebook's and WeChat's times,
    # and a Pixel's time of day (its milliseconds hid it: they were dated midnight of the name's day).
    # Every sidecar is read again at the next scan, for the dates in it; a photo a sidecar dates says so
    # (dated_beside), so that the sidecar deleted while photoclip was closed takes its date along. The
    # photos the new order may date otherwise (their files undated, or their names dated: EXIF's
    # ModifyDate comes after the name now, and XMP in the file is read) have their headers read
    # again at the next scan (dates_to_read_again, Library.scan).
    25: """
    CREATE TABLE file_facts_25 (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        dated INTEGER NOT NULL,
        placed INTEGER NOT NULL,
        caption TEXT,
        taken_at TEXT,
        modified_at TEXT,
        dated_beside INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO file_facts_25 (photo_id, dated, placed, caption, taken_at)
        SELECT photo_id, dated, placed, caption,
            CASE WHEN dated THEN (SELECT taken_at FROM photos WHERE id = photo_id) END FROM file_facts;
    DROP TABLE file_facts;
    ALTER TABLE file_facts_25 RENAME TO file_facts;
    UPDATE photos SET taken_at = name_date(path)
        WHERE id IN (SELECT photo_id FROM file_facts WHERE NOT dated) AND name_date(path) IS NOT NULL
        AND (taken_at IS NULL OR taken_at = pixel_midnight(path));
    UPDATE meta SET value = '0' WHERE key LIKE 'sidecars_seen:%';
    CREATE TABLE IF NOT EXISTS dates_to_read_again (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE
    );
    INSERT OR IGNORE INTO dates_to_read_again (photo_id)
        SELECT f.photo_id FROM file_facts f JOIN photos p ON p.id = f.photo_id
        WHERE p.format != 'raw' AND (NOT f.dated OR name_date(p.path) IS NOT NULL);
    """,
    # Schema 26: a photo nothing else dates takes the days its folder names ("1998 Christmas",
    # pipeline.taken_facts): taken_at their first moment, taken_until their end. Those of an
    # upgraded library are dated so at the next scan.
    26: """
    ALTER TABLE photos ADD COLUMN taken_until TEXT;
    INSERT OR IGNORE INTO dates_to_read_again (photo_id)
        SELECT f.photo_id FROM file_facts f JOIN photos p ON p.id = f.photo_id
        WHERE p.format != 'raw' AND NOT f.dated AND NOT f.dated_beside AND name_date(p.path) IS NULL
        AND folder_dated(p.path);
    """,
    # Names are looked up, and captions found, without the vowel marks of Hebrew and Arabic and the
    # hamza of an alef (names.name_key): "שלום" finds "שָׁלוֹם.jpg", "محمد" "مُحَمَّد", "احمد" "أحمد".
    27: """
    UPDATE photos SET name_key = file_name_key(path) WHERE name_key <> file_name_key(path);
    UPDATE captions SET cjk = cjk_index_terms(in_file, in_sidecar)
        WHERE cjk IS NOT cjk_index_terms(in_file, in_sidecar);
    """,
    # Names are looked up, and captions found, with Persian's and Urdu's yeh, kaf and heh as Arabic's and every
    # script's digits as 0-9 (names.one_spelling): "كتابخانه" finds "کتابخانه.jpg", "2019" "عکس ۲۰۱۹.jpg". Names
    # and folders dated in such digits ("IMG_٢٠٢٣٠٥١٤_…", "سفر ۲۰۱۹") date their undated photos at the next scan.
    28: """
    UPDATE photos SET name_key = file_name_key(path) WHERE name_key <> file_name_key(path);
    UPDATE captions SET cjk = cjk_index_terms(in_file, in_sidecar)
        WHERE cjk IS NOT cjk_index_terms(in_file, in_sidecar);
    INSERT OR IGNORE INTO dates_to_read_again (photo_id)
        SELECT f.photo_id FROM file_facts f JOIN photos p ON p.id = f.photo_id
        WHERE p.format != 'raw' AND NOT f.dated AND NOT f.dated_beside AND p.path <> one_spelling(p.path)
        AND (name_date(p.path) IS NOT NULL OR folder_dated(p.path));
    """,
}

CATALOG_FILE = "catalog.sqlite"

_RETRY_FAILED = (" failure = CASE WHEN status = 'failed' THEN NULL ELSE failure END,"  # SET reads the old row
                 " status = CASE WHEN status = 'failed' THEN 'pending' ELSE status END")
_PENDING = (  # photos on online roots that need a vector from the model bound to "?"
    " FROM photos p JOIN roots r ON r.id = p.root_id"
    " LEFT JOIN embeddings e ON e.photo_id = p.id AND e.model_id = ?"
    " WHERE r.online = 1 AND (p.status = 'pending' OR (p.status = 'indexed' AND (e.photo_id IS NULL OR e.stale)))"
)


@dataclass(frozen=True)
class Root:
    id: RootId
    path: Path
    online: bool
    gone: bool = False  # offline because deleted, moved or renamed, not unplugged (mounts.looks_deleted)
    silent: bool = False  # offline because its folder does not answer (a share whose server is away: folder_probe)


@dataclass(frozen=True)
class Photo:
    id: PhotoId
    root_id: RootId
    path: Path
    size: int
    mtime_ns: int
    hash: str | None
    width: int | None
    height: int | None
    taken_at: str | None
    format: str | None
    status: str
    failure: str | None
    lat: float | None = None
    lon: float | None = None
    damage: str | None = None  # what is wrong with it, when it is indexed all the same
    taken_until: str | None = None  # taken_at is then the first moment of the days it was taken in: its folder's


@dataclass(frozen=True)
class _Positions:
    """The GPS positions of the indexed photos, in arrays (see Catalog.located_near)."""

    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    country: np.ndarray
    taken_at: list[str | None]


@dataclass(frozen=True)
class FileState:
    """What the catalog last saw of a file: enough to tell whether it changed."""

    id: PhotoId
    size: int
    mtime_ns: int
    status: str
    read_at: float | None = None  # when its file was last read (time.time()); None before the first time


_STATE_COLUMNS = "path, id, size, mtime_ns, status, indexed_at"


@dataclass(frozen=True)
class FileFacts:
    """When and where a photo's own file says it was taken, and what it says the photo shows, apart
    from what a sidecar or a Google Takeout JSON beside it adds (PhotoMetadata holds both): kept so
    that one changed or gone since is read again without decoding the photo (Described).

    `taken_at` is the date the file says it was taken (EXIF's DateTimeOriginal or DateTimeDigitized,
    else its XMP's): the file dates the photo (file_facts.dated). Its EXIF ModifyDate is no such date
    (an editor writes it on export, and the date in the file's name beats it): `modified_at` is kept
    apart, the date of a photo nothing else dates."""

    taken_at: str | None = None
    location: tuple[float, float] | None = None
    caption: str | None = None
    modified_at: str | None = None


@dataclass(frozen=True)
class TakenFacts:
    """When and where a photo was taken and what it shows: its FileFacts, with a Takeout JSON's."""

    taken_at: str | None
    location: tuple[float, float] | None = None
    country: str | None = None  # of the nearest town (places.Gazetteer.locate)
    region: str | None = None
    town: str | None = None
    caption: str | None = None
    dated_beside: bool = False  # the date is another program's sidecar's
    taken_until: str | None = None  # taken_at is then the first moment of the days it was taken in: its folder's


@dataclass(frozen=True)
class Described:
    """What the files beside a photo say of it now, read again for a photo whose bytes did not change
    (Catalog.settle_unchanged): another program's sidecars, photoclip's own, and `taken` with its
    Takeout JSON's date, place and caption, where the catalog knows its FileFacts (else those stay)."""

    sidecar_keywords: tuple[str, ...] = ()
    own_sidecar_keywords: tuple[str, ...] = ()
    sidecar_caption: str | None = None
    taken: TakenFacts | None = None


@dataclass(frozen=True)
class PhotoMetadata:
    """What decoding a photo learned about it, stored with its embedding."""

    hash: str
    width: int
    height: int
    taken_at: str | None
    format: str
    location: tuple[float, float] | None = None
    country: str | None = None  # of the nearest town (places.Gazetteer.locate)
    region: str | None = None
    town: str | None = None  # the town it is named by (places.Gazetteer.locate)
    look: bytes | None = None  # looks.look_of
    colours: bytes | None = None  # looks.colours_of
    keywords: tuple[str, ...] = ()  # tag names other programs gave it in the file, as spelt (keywords.keywords_in_file)
    sidecar_keywords: tuple[str, ...] = ()  # and in their sidecars beside it
    own_sidecar_keywords: tuple[str, ...] = ()  # in photoclip's own sidecar of it (keywords.own_keywords)
    taken_until: str | None = None  # as TakenFacts.taken_until
    pixels_hash: str | None = None  # a JPEG's hash without its metadata (imaging.DecodedPhoto)
    caption: str | None = None  # what its file (and Google Takeout) says about it (captions.py)
    sidecar_caption: str | None = None  # what another program's sidecar says about it
    damage: str | None = None  # imaging.DecodedPhoto.damage
    file_facts: FileFacts | None = None  # None: not known (a Takeout JSON beside it has it decoded again)
    dated_beside: bool = False  # taken_at is another program's sidecar's (TakenFacts.dated_beside)


@dataclass(frozen=True)
class Counts:
    total: int
    indexed: int
    pending: int
    failed: int


_PHOTO_COLUMNS = (
    "id, root_id, path, size, mtime_ns, hash, width, height, taken_at, format, status, failure, lat, lon, damage,"
    " taken_until"
)


def _photo(row: sqlite3.Row | tuple) -> Photo:
    return Photo(
        id=PhotoId(row[0]), root_id=RootId(row[1]), path=Path(_path_text(row[2])), size=row[3],
        mtime_ns=row[4], hash=row[5], width=row[6], height=row[7], taken_at=row[8],
        format=row[9], status=row[10], failure=row[11], lat=row[12], lon=row[13], damage=row[14],
        taken_until=row[15],
    )


def vector_to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def blobs_to_matrix(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(blobs), dim).astype(np.float32)


@dataclass
class _Held:
    """A thread's connection, and how deep its transactions are nested."""

    conn: sqlite3.Connection
    depth: int = 0


class Catalog:
    """A library's catalog file. Safe to share between threads."""

    def __init__(self, path: Path, unchanging: bool = False, may_migrate: bool = True) -> None:
        """`unchanging`: on a disk or in a folder that cannot be written (a read-only drive, a
        backup), where no one writes it either: opened read-only as it is, never migrated.
        `may_migrate` false: another process holds the library (perhaps an older photoclip, which
        would go on writing it as it knows it): an older catalog is not updated from here, but
        refused (CatalogOutdatedError) unless its holder updates it within MIGRATION_WAIT_S."""
        self.path = Path(path)
        self._unchanging = unchanging
        self._may_migrate = may_migrate
        self._write_lock = threading.RLock()
        self._threads: dict[int, _Held] = {}
        self._threads_lock = threading.Lock()
        self._hash_algorithm: str | None = None
        self._positions: tuple[tuple[int, int], _Positions] | None = None
        self._refuse_others()
        self._migrate()

    # connections and transactions

    def _connect(self) -> sqlite3.Connection:
        try:
            if self._unchanging:  # immutable, unless a write-ahead log left by a crash holds the latest
                settled = "" if _holds_bytes(self.path.with_name(self.path.name + "-wal")) else "&immutable=1"
                conn = sqlite3.connect(self._read_only_uri(settled), uri=True, isolation_level=None,
                                       check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.create_function("cjk_index_terms", 2, _cjk_index_terms, deterministic=True)
            conn.create_function("file_name_key", 1, _file_name_key, deterministic=True)
            conn.create_function("one_spelling", 1, one_spelling, deterministic=True)
            conn.create_function("name_date", 1, _name_date)
            conn.create_function("folder_dated", 1, _folder_dated)
            conn.create_function("pixel_midnight", 1, _pixel_midnight, deterministic=True)
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise self._cannot_open(exc) from exc
        return conn

    def _cannot_open(self, exc: sqlite3.DatabaseError) -> LibraryError:
        """Only a file SQLite finds is no database, or damaged, is one to move away: a full
        disk, or one gone or unreadable, says so and leaves the catalog as it is."""
        code = getattr(exc, "sqlite_errorcode", None)
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            return LibraryError(
                f"{self.path} is not a photoclip catalog or is damaged ({exc}); keep a copy of it, then restore it "
                f"from a backup, {START_FRESH}"
            )
        if _disk_full(exc, self.path.parent):
            return LibraryFullError(self.path.parent, "open it again")
        return LibraryError(f"cannot open the catalog {self.path} ({exc}); check that its disk is there and readable")

    def _held(self) -> _Held:
        """This thread's connection. Kept by the thread's OS id, not in a threading.local: Qt's
        thread pools run each task in a Python thread state of its own, whose locals start
        empty, so every thumbnail and search opened a connection that stayed open until the
        file handles ran out."""
        ident = threading.get_ident()
        held = self._threads.get(ident)
        if held is None:
            held = _Held(self._connect())
            with self._threads_lock:
                self._threads[ident] = held
        return held

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._held().conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write; nested blocks join the outer one."""
        held = self._held()
        conn = held.conn
        with self._write_lock:
            if held.depth:
                held.depth += 1
                try:
                    yield
                finally:
                    held.depth -= 1
                return
            conn.execute("BEGIN IMMEDIATE")
            held.depth = 1
            try:
                yield
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and _disk_full(exc, self.path.parent):
                    raise LibraryFullError(self.path.parent) from exc
                raise
            finally:
                held.depth = 0

    def close(self) -> None:
        with self._threads_lock:
            for held in self._threads.values():
                try:
                    held.conn.close()
                except sqlite3.Error:
                    pass
            self._threads.clear()

    def _read_only_uri(self, more: str = "") -> str:
        return f"{self.path.absolute().as_uri()}?mode=ro{more}"

    def _refuse_others(self) -> None:
        """Another program's database is left exactly as it is (opening it as ours would turn on
        write-ahead logging and add our tables to it)."""
        if not self.path.is_file():
            return
        try:
            with closing(sqlite3.connect(self._read_only_uri(), uri=True)) as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError:
            return  # damaged, or no database: opening it says which
        if version == 0 and tables:
            raise LibraryError(
                f"{self.path} is another program's database, not a photoclip catalog; give photoclip a folder of "
                "its own with --library"
            )

    def _updated_by_its_holder(self, version: int) -> int:
        """The schema once the process holding the library has updated it (a photoclip as new as
        this one, opening it just now, does so within seconds); else CatalogOutdatedError."""
        deadline = time.monotonic() + MIGRATION_WAIT_S
        while version < SCHEMA_VERSION and time.monotonic() < deadline:
            time.sleep(0.1)
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            raise CatalogOutdatedError(f"catalog {self.path} is an older photoclip's (schema {version})")
        return version

    def _keep_before_update(self, version: int) -> None:
        """A copy of the catalog as it was, before it is updated for good (no older photoclip can
        open it after): catalog-schemaN.sqlite beside it, the one before the last update only."""
        kept = self.path.with_name(f"{self.path.stem}-schema{version}{self.path.suffix}")
        try:
            with closing(sqlite3.connect(kept)) as copy:
                self._conn.backup(copy)
        except (OSError, sqlite3.Error) as exc:
            kept.unlink(missing_ok=True)
            log.warning("catalog %s: updating it for this photoclip without a copy of it as it was (%s)", self.path,
                        exc)
            return
        for older in self.path.parent.glob(f"{self.path.stem}-schema*{self.path.suffix}"):
            if older != kept:
                older.unlink(missing_ok=True)
        log.warning("library updated for this photoclip: older ones cannot open it now; the catalog as it was is "
                    "kept as %s", kept)

    def _migrate(self) -> None:
        conn = self._conn
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self._cannot_open(exc) from exc
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"catalog {self.path} was written by a newer photoclip (schema {version}); upgrade photoclip"
            )
        if self._unchanging and version < SCHEMA_VERSION:
            raise LibraryError(
                f"catalog {self.path} is from an older photoclip and cannot be updated where it is (the folder "
                "cannot be written); copy the library somewhere writable"
            )
        if not self._may_migrate and 0 < version < SCHEMA_VERSION:
            version = self._updated_by_its_holder(version)
        if 0 < version < SCHEMA_VERSION:
            self._keep_before_update(version)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                if conn.execute("PRAGMA user_version").fetchone()[0] >= target:
                    continue  # another process (the writer) migrated it while we waited
                for statement in _statements(_MIGRATIONS[target]):
                    _execute_again(conn, statement)
                conn.execute(f"PRAGMA user_version = {target}")
        if 0 < version < SCHEMA_VERSION:
            log.info("catalog %s migrated from schema %d to %d", self.path, version, SCHEMA_VERSION)
        if version == 0:  # a new catalog starts without the pages its own migrations left free
            log.info("catalog %s made (schema %d)", self.path, SCHEMA_VERSION)
            try:
                conn.execute("VACUUM")
            except sqlite3.OperationalError as exc:  # another process opened it meanwhile: no matter
                log.debug("new catalog %s not compacted: %s", self.path, exc)

    @property
    def hash_algorithm(self) -> str:
        """The content hash this catalog's photos are stored with (a name in CONTENT_HASHES)."""
        if self._hash_algorithm is None:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
            self._hash_algorithm = row[0]
        return self._hash_algorithm

    def integrity_ok(self) -> bool:
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # generation

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def set_unreadable(self, root_id: RootId, reasons: Mapping[str, str]) -> None:
        """The folders and files of a root its last scan could not read, each with why (no
        permission, a link loop, a bad sector), for status to name: their photos are missing
        from the library until then."""
        key = f"unreadable:{root_id}"
        with self.transaction():
            if reasons:
                self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                   (key, json.dumps(dict(reasons))))
            else:
                self._conn.execute("DELETE FROM meta WHERE key = ?", (key,))

    def set_unreadable_under(self, root_id: RootId, folders: Iterable[str], reasons: Mapping[str, str]) -> None:
        """set_unreadable for some folders of a root, walked again on their own (a watcher saw them
        appear, or go): what is listed at or below them becomes `reasons`, the rest of the root's
        list stays."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (f"unreadable:{root_id}",)).fetchone()
        kept = _unreadable_kept(row[0]) if row else {}
        now = {path: why for path, why in kept.items() if not _at_or_under(path, folders)} | reasons
        if now != kept:
            self.set_unreadable(root_id, now)

    def unreadable(self) -> list[tuple[Path, str]]:
        """What set_unreadable kept, for the roots still in the library: (path, why), by path."""
        roots = {f"unreadable:{r.id}" for r in self.roots()}
        rows = self._conn.execute("SELECT key, value FROM meta WHERE key LIKE 'unreadable:%' ORDER BY key")
        found: list[tuple[Path, str]] = []
        for key, value in rows:
            if key in roots:
                found += ((Path(path), reason) for path, reason in _unreadable_kept(value).items())
        return sorted(found)

    def generation(self) -> int:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def _bump_generation(self) -> int:
        gen = self.generation() + 1
        self._conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(gen),))
        return gen

    # roots

    def add_root(self, path: Path) -> Root:
        with self.transaction():
            self._conn.execute(
                "INSERT OR IGNORE INTO roots (path, online, added_at) VALUES (?, 1, ?)",
                (_text(path), time.time()),
            )
        root = self.root_by_path(path)
        assert root is not None
        return root

    def root_by_path(self, path: Path) -> Root | None:
        row = self._conn.execute(
            "SELECT id, path, online FROM roots WHERE path = ?", (_text(path),)
        ).fetchone()
        return Root(RootId(row[0]), Path(_path_text(row[1])), bool(row[2])) if row else None

    def roots(self) -> list[Root]:
        rows = self._conn.execute("SELECT id, path, online FROM roots ORDER BY path").fetchall()
        return [Root(RootId(r[0]), Path(_path_text(r[1])), bool(r[2])) for r in rows]

    def set_root_online(self, root_id: RootId, online: bool) -> None:
        with self.transaction():
            self._conn.execute("UPDATE roots SET online = ? WHERE id = ?", (int(online), root_id))

    def remove_root(self, root_id: RootId) -> list[PhotoId]:
        """Forget a root and its photos (never the files); returns the ids that had vectors."""
        with self.transaction():
            ids = [PhotoId(r[0]) for r in self._conn.execute(
                "SELECT DISTINCT e.photo_id FROM embeddings e JOIN photos p ON p.id = e.photo_id"
                " WHERE p.root_id = ?", (root_id,))]
            self._conn.execute("DELETE FROM photos WHERE root_id = ?", (root_id,))
            self._forget_root(root_id)
            if ids:
                self._bump_generation()
        return ids

    def adopt_root(self, inner: RootId, outer: RootId) -> None:
        """A new root contains an old one: its photos move over, ids and vectors kept."""
        with self.transaction():
            self._conn.execute("UPDATE photos SET root_id = ? WHERE root_id = ?", (outer, inner))
            self._forget_root(inner)

    def _forget_root(self, root_id: RootId) -> None:
        """The root's row, and what the meta table kept of it ("sidecars_seen:3"): a root added
        later may be given its id."""
        self._conn.execute("DELETE FROM roots WHERE id = ?", (root_id,))
        self._conn.execute("DELETE FROM meta WHERE key LIKE '%:' || ?", (str(root_id),))

    # photos: scanning

    def file_states(self, root_id: RootId) -> dict[str, FileState]:
        rows = self._conn.execute(
            "SELECT " + _STATE_COLUMNS + " FROM photos WHERE root_id = ?", (root_id,)
        )
        return _states(rows)

    def file_states_of_sizes(self, root_ids: Sequence[RootId], sizes: Iterable[int]) -> dict[str, FileState]:
        """file_states of these roots' photos that have one of these sizes."""
        if not root_ids:
            return {}
        roots = ",".join("?" * len(root_ids))
        sizes = list(sizes)
        states: dict[str, FileState] = {}
        for start in range(0, len(sizes), 500):
            chunk = sizes[start:start + 500]
            rows = self._conn.execute(
                f"SELECT {_STATE_COLUMNS} FROM photos WHERE root_id IN ({roots})"
                f" AND size IN ({','.join('?' * len(chunk))})", (*root_ids, *chunk),
            )
            states.update(_states(rows))
        return states

    def add_pending(self, root_id: RootId, files: Iterable[tuple[str, int, int]]) -> int:
        """Insert new files (path, size, mtime_ns) as pending; returns how many were added."""
        now = time.time()
        with self.transaction():
            cur = self._conn.executemany(
                "INSERT OR IGNORE INTO photos (root_id, path, name_key, size, mtime_ns, status, added_at)"
                " VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                ((root_id, _text(p), file_name_key(p), s, m, now) for p, s, m in files),
            )
            return cur.rowcount

    def mark_changed(self, changes: Iterable[tuple[PhotoId, int, int]]) -> None:
        """A file's size or mtime moved: it must be decoded (and maybe embedded) again."""
        with self.transaction():
            self._conn.executemany(
                "UPDATE photos SET size = ?, mtime_ns = ?, status = 'pending', failure = NULL"
                " WHERE id = ?",
                ((s, m, i) for i, s, m in changes),
            )

    def move_photo(self, photo_id: PhotoId, root_id: RootId, new_path: str, size: int, mtime_ns: int) -> None:
        """A file moved or was renamed: keep its id and embedding, change where it lives. One
        that failed is tried again (a move while it was being indexed failed it). Its bytes are
        the same (hashed, or one file renamed), so it counts as read now: the ctime the rename
        moved does not make the next scan read it again (scan._rewritten)."""
        with self.transaction():
            self._conn.execute(
                "UPDATE photos SET root_id = ?, path = ?, name_key = ?, size = ?, mtime_ns = ?,"
                " indexed_at = CASE WHEN indexed_at IS NULL THEN NULL ELSE ? END," + _RETRY_FAILED + " WHERE id = ?",
                (root_id, _text(new_path), file_name_key(new_path), size, mtime_ns, time.time(), photo_id),
            )
            self._date_again_if_filed([photo_id])

    def _rows_in(self, sql: str, values: Iterable, *before: object) -> Iterator[tuple]:
        """The rows of `sql` whose `{marks}` stands for `values`, asked in chunks SQLite accepts;
        `before`: parameters that come ahead of the list."""
        for chunk in _chunks(list(values), 500):
            yield from self._conn.execute(sql.format(marks=",".join("?" * len(chunk))), (*before, *chunk))

    def photo_states(self, paths: Iterable[str]) -> dict[str, FileState]:
        """What the catalog knows of exactly these paths (a watcher's events name a few files)."""
        rows = self._rows_in(
            "SELECT " + _STATE_COLUMNS + " FROM photos WHERE path IN ({marks})", map(_text, paths)
        )
        return _states(rows)

    def states_of_sizes(self, sizes: Iterable[int]) -> dict[str, FileState]:
        """Hashed photos of these byte sizes: where a file that just appeared may have moved from."""
        rows = self._rows_in(
            "SELECT " + _STATE_COLUMNS + " FROM photos WHERE size IN ({marks}) AND hash IS NOT NULL",
            sorted(set(sizes)),
        )
        return _states(rows)

    def states_under(self, folder: str) -> dict[str, FileState]:
        """Photos below `folder` (not the folder's own path): a range scan on the path index."""
        low, high = _prefix_range(_text(folder))
        rows = self._conn.execute(
            "SELECT " + _STATE_COLUMNS + " FROM photos WHERE path >= ? AND path < ?", (low, high)
        )
        return _states(rows)

    def move_folder(self, old: str, new: str, root_id: RootId) -> list[PhotoId]:
        """A folder was moved or renamed: every photo below it keeps its id and embedding.

        The caller first deletes rows already below `new` (stale: a rename lands only on an
        empty folder); returns the ids that moved. Those that failed are tried again."""
        old_low, old_high = _prefix_range(_text(old))
        new_low = _prefix_range(_text(new))[0]
        with self.transaction():
            ids = [PhotoId(r[0]) for r in self._conn.execute(
                "SELECT id FROM photos WHERE path >= ? AND path < ?", (old_low, old_high))]
            if not ids:
                return []
            self._conn.execute(
                "UPDATE photos SET path = ? || substr(path, ?), root_id = ?," + _RETRY_FAILED
                + " WHERE path >= ? AND path < ?",
                (new_low, len(old_low) + 1, root_id, old_low, old_high),
            )
            self._date_again_if_filed(ids)
        return ids

    def _date_again_if_filed(self, ids: list[PhotoId]) -> None:
        """Moved photos whose files do not date them are dated again at the next scan (Library.scan,
        Library.move_path): the date of the folder they are in now may be theirs (when.date_of_folder)."""
        for chunk in _chunks(ids, 500):
            self._conn.execute(
                "INSERT OR IGNORE INTO dates_to_read_again (photo_id) SELECT photo_id FROM file_facts"
                f" WHERE photo_id IN ({','.join('?' * len(chunk))}) AND NOT dated AND NOT dated_beside", chunk)

    def delete_photos(self, ids: Iterable[PhotoId]) -> list[PhotoId]:
        """Forget photos whose files are gone; returns the ids that had vectors. What the user said
        about one goes to its copies that came after it (MOVED_BY_COPY_S), as it would to a copy
        that came after the deletion (_remember_again)."""
        ids = list(ids)
        if not ids:
            return []
        with self.transaction():
            copies = self._copies_that_came_after(ids)
            with_vectors = []
            for chunk in _chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                with_vectors += [PhotoId(r[0]) for r in self._conn.execute(
                    f"SELECT DISTINCT photo_id FROM embeddings WHERE photo_id IN ({marks})", chunk)]
                self._conn.execute(f"DELETE FROM photos WHERE id IN ({marks})", chunk)
            for (path, content_hash), given in copies.items():
                self._give_forgotten_tags([pid for pid, _ in given], path, "hash = ?", (content_hash,))
                for pid, key in given:
                    self._give_forgotten_distinct(pid, key)
            if with_vectors:
                self._bump_generation()
        return with_vectors

    def _copies_that_came_after(self, ids: list[PhotoId]) -> dict[tuple[str, str], list[tuple[PhotoId, str]]]:
        """Of each of these photos, (path as stored, hash) -> the photos that stay with its bytes and
        came after it, recently (MOVED_BY_COPY_S), as (id, key of its "not duplicates" marks): those
        of its name if any (a folder moved by copying may hold two copies of one photo)."""
        leaving = set(ids)
        found: dict[tuple[str, str], list[tuple[PhotoId, str, str]]] = {}
        for path, content_hash, pid, copy_path, key in self._rows_in(
            "SELECT g.path, g.hash, c.id, c.path, COALESCE(c.pixels_hash, c.hash) FROM photos g"
            " JOIN photos c ON c.hash = g.hash AND c.added_at > g.added_at AND c.added_at >= ?"
            " WHERE g.id IN ({marks})", ids, time.time() - MOVED_BY_COPY_S,
        ):
            if pid not in leaving:
                found.setdefault((path, content_hash), []).append((PhotoId(pid), copy_path, key))
        copies: dict[tuple[str, str], list[tuple[PhotoId, str]]] = {}
        for (path, content_hash), candidates in found.items():
            named = [c for c in candidates if os.path.basename(c[1]) == os.path.basename(path)]
            copies[(path, content_hash)] = [(pid, key) for pid, _, key in named or candidates]
        return copies

    # photos: embedding work

    def pending(self, model_id: str, root_ids: Iterable[RootId] | None = None) -> list[tuple[PhotoId, Path]]:
        """Photos that need a vector from `model_id`, on roots that are online, newest first:
        indexing a big library takes hours on a CPU, and this year's photos are the ones
        searched for first."""
        sql = "SELECT p.id, p.path" + _PENDING
        params: list[object] = [model_id]
        if root_ids is not None:
            roots = list(root_ids)
            sql += f" AND p.root_id IN ({','.join('?' * len(roots))})"
            params += roots
        sql += f" ORDER BY {_SHOWN_AT} DESC, p.id"
        return [(PhotoId(r[0]), Path(_path_text(r[1]))) for r in self._conn.execute(sql, params)]

    def has_pending(self, model_id: str) -> bool:
        """Whether any photo on an online root still needs a vector from `model_id`."""
        return self._conn.execute("SELECT EXISTS (SELECT 1" + _PENDING + ")", (model_id,)).fetchone()[0] == 1

    def has_embeddings(self, model_id: str, since_gen: int = 0) -> bool:
        """Whether this model has vectors (stored after generation `since_gen`)."""
        return self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM embeddings WHERE model_id = ? AND gen > ?)", (model_id, since_gen)
        ).fetchone()[0] == 1

    def prune_embeddings(self, keep: Iterable[str]) -> None:
        """Drop the vectors of other models from photos that have one from a model in `keep`
        (photos that have none, on a drive that is away, keep what they have)."""
        keep = list(keep)
        marks = ",".join("?" * len(keep))
        with self.transaction():
            self._conn.execute(
                f"DELETE FROM embeddings WHERE model_id NOT IN ({marks}) AND photo_id IN"
                f" (SELECT photo_id FROM embeddings WHERE model_id IN ({marks}))",
                keep + keep,
            )

    def hashes_with_vectors(self, ids: Iterable[PhotoId], model_id: str) -> dict[PhotoId, str]:
        """The content hash of each of these photos that has a current vector from `model_id`:
        the bytes that vector was made from, which a touched file may still hold."""
        return {PhotoId(r[0]): r[1] for r in self._rows_in(
            "SELECT p.id, p.hash FROM photos p JOIN embeddings e ON e.photo_id = p.id AND e.model_id = ?"
            " WHERE NOT e.stale AND p.hash IS NOT NULL AND p.id IN ({marks})", ids, model_id)}

    def file_facts(self, ids: Iterable[PhotoId]) -> dict[PhotoId, FileFacts]:
        """The FileFacts of these photos, where they are known (read since schema 21)."""
        return {PhotoId(r[0]): FileFacts(r[1], (r[2], r[3]) if r[2] is not None else None, r[4], r[5])
                for r in self._rows_in(
                    "SELECT p.id, f.taken_at, CASE WHEN f.placed THEN p.lat END, CASE WHEN f.placed THEN p.lon END,"
                    " f.caption, f.modified_at"
                    " FROM photos p JOIN file_facts f ON f.photo_id = p.id WHERE p.id IN ({marks})", ids)}

    def noted_beside(self, ids: Iterable[PhotoId]) -> set[PhotoId]:
        """Photos given keywords or a caption by a sidecar beside them, or another date than their
        files' own (a sidecar's, a Takeout JSON's, their names'): one touched after its sidecar went
        is read again (pipeline.settle_unchanged), so that what the sidecar gave goes with it."""
        ids = list(ids)
        tagged = self._rows_in(
            "SELECT DISTINCT photo_id FROM keyword_tags WHERE origin = 'sidecar' AND photo_id IN ({marks})", ids)
        captioned = self._rows_in(
            "SELECT rowid FROM captions WHERE in_sidecar IS NOT NULL AND in_sidecar != '' AND rowid IN ({marks})", ids)
        dated = self._rows_in(
            "SELECT p.id FROM photos p JOIN file_facts f ON f.photo_id = p.id"
            " WHERE p.taken_at IS NOT COALESCE(f.taken_at, f.modified_at) AND p.id IN ({marks})", ids)
        return {PhotoId(row[0]) for row in (*tagged, *captioned, *dated)}

    def _store_file_facts(self, facts: list[tuple[PhotoId, FileFacts | None, bool]]) -> None:
        """What photos' files say of themselves, as PhotoMetadata.file_facts has it (None: not known),
        and whether a sidecar dates them (PhotoMetadata.dated_beside)."""
        self._conn.executemany("DELETE FROM file_facts WHERE photo_id = ?",
                               ((pid,) for pid, f, _ in facts if f is None))
        self._conn.executemany(
            "INSERT OR REPLACE INTO file_facts (photo_id, dated, placed, caption, taken_at, modified_at, dated_beside)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((pid, f.taken_at is not None, f.location is not None, f.caption, f.taken_at, f.modified_at, beside)
             for pid, f, beside in facts if f is not None))

    def settle_unchanged(self, ids: Iterable[PhotoId], described: Iterable[tuple[PhotoId, Described]] = ()) -> int:
        """Photos whose files hash as they did when embedded are indexed again as they were:
        their vectors, facts and tags stand (see hashes_with_vectors), but for what the files
        beside them say now (`described`, photos of `ids` too). Their files were read just now (one
        is not read again for a ctime older than that, scan._rewritten). Returns how
        many tags came or went with their sidecars' keywords."""
        changed, now = 0, time.time()
        with self.transaction():
            for pid, what in described:
                changed += self._replace_keywords(pid, "sidecar", what.sidecar_keywords, what.own_sidecar_keywords)
                if what.taken is not None:
                    self._set_taken(pid, what.taken)
                self._set_captions(pid, what.taken.caption if what.taken else self._caption_in_file(pid),
                                   what.sidecar_caption)
            self._conn.executemany("UPDATE photos SET status = 'indexed', failure = NULL, indexed_at = ? WHERE id = ?",
                                   ((now, pid) for pid in ids))
        return changed

    def dates_to_read_again(self, limit: int) -> list[PhotoId]:
        """Photos whose files' dates are to be read again once (schemas 25 and 26, moves: Library.scan), `limit`
        at most."""
        return [PhotoId(r[0]) for r in self._conn.execute(
            "SELECT photo_id FROM dates_to_read_again ORDER BY photo_id LIMIT ?", (limit,))]

    def set_dates_read_again(self, ids: Iterable[PhotoId],
                             dated: Iterable[tuple[PhotoId, FileFacts, TakenFacts]]) -> None:
        """The dates read again of photos of `ids` (not all: a raw's, or an unreadable file's, stay),
        as their files give them (FileFacts) and as the photos have them now (TakenFacts)."""
        with self.transaction():
            for pid, own, taken in dated:
                self._conn.execute("UPDATE file_facts SET dated = ?, taken_at = ?, modified_at = ? WHERE photo_id = ?",
                                   (own.taken_at is not None, own.taken_at, own.modified_at, pid))
                self._set_taken(pid, taken)
            self._conn.executemany("DELETE FROM dates_to_read_again WHERE photo_id = ?", ((pid,) for pid in ids))

    def set_taken(self, taken: Iterable[tuple[PhotoId, TakenFacts]]) -> None:
        """When and where these photos were taken now that a sidecar beside them changed (their files
        did not: Library.read_sidecars)."""
        with self.transaction():
            for pid, facts in taken:
                self._set_taken(pid, facts)

    def _set_taken(self, pid: PhotoId, taken: TakenFacts) -> None:
        self._conn.execute(
            "UPDATE photos SET taken_at = ?, taken_until = ?, lat = ?, lon = ?, country = ?, region = ?, town = ?"
            " WHERE id = ?", (taken.taken_at, taken.taken_until, *(taken.location or (None, None)), taken.country,
                              taken.region, taken.town, pid))
        self._conn.execute("UPDATE file_facts SET dated_beside = ? WHERE photo_id = ?", (taken.dated_beside, pid))

    def _caption_in_file(self, pid: PhotoId) -> str | None:
        row = self._conn.execute("SELECT in_file FROM captions WHERE rowid = ?", (pid,)).fetchone()
        return row[0] if row else None

    def _set_captions(self, pid: PhotoId, in_file: str | None, in_sidecar: str | None) -> None:
        self._conn.execute("DELETE FROM captions WHERE rowid = ?", (pid,))
        if in_file or in_sidecar:
            self._conn.execute("INSERT INTO captions (rowid, in_file, in_sidecar, cjk) VALUES (?, ?, ?, ?)",
                               (pid, in_file, in_sidecar, _cjk_index_terms(in_file, in_sidecar)))

    def vector_for_hash(
        self, content_hash: str, model_id: str, pixels_hash: str | None = None
    ) -> np.ndarray | None:
        """An existing vector for the same bytes, or the same pixels with other metadata, so a
        copy, a touched file or a photo whose tags were edited in place costs no encoder call."""
        row = self._conn.execute(  # one round trip: SQLite answers the OR from both indexes
            "SELECT e.vector FROM photos p JOIN embeddings e ON e.photo_id = p.id"
            " WHERE (p.hash = ? OR p.pixels_hash = ?) AND e.model_id = ? AND NOT e.stale LIMIT 1",
            (content_hash, pixels_hash, model_id),
        ).fetchone()
        return np.frombuffer(row[0], dtype=np.float16).astype(np.float32) if row else None

    def store_batch(
        self,
        model_id: str,
        embedded: Iterable[tuple[PhotoId, PhotoMetadata, np.ndarray]],
        failed: Iterable[tuple[PhotoId, str]],
    ) -> int:
        """Commit one batch of results in one transaction; returns the new generation."""
        now = time.time()
        embedded = list(embedded)
        failed = list(failed)
        with self.transaction():
            gen = self._bump_generation() if embedded else self.generation()
            self._conn.executemany(  # other models' vectors of bytes that changed are stale
                "DELETE FROM embeddings WHERE photo_id = ? AND model_id != ?"
                " AND (SELECT hash FROM photos WHERE id = ?) IS NOT ?",
                ((pid, model_id, pid, m.hash) for pid, m, _ in embedded),
            )
            before = {PhotoId(r[0]): r[1:] for r in self._rows_in(
                "SELECT id, path, hash, pixels_hash FROM photos WHERE id IN ({marks})",
                [pid for pid, _, _ in embedded])}
            self._conn.executemany(
                "UPDATE photos SET hash = ?, width = ?, height = ?, taken_at = ?, taken_until = ?, format = ?, lat = ?,"
                " lon = ?, country = ?, region = ?, town = ?, look = ?, colours = ?, pixels_hash = ?, damage = ?,"
                " status = 'indexed', failure = NULL, indexed_at = ? WHERE id = ?",
                ((m.hash, m.width, m.height, m.taken_at, m.taken_until, m.format, *(m.location or (None, None)),
                  m.country, m.region, m.town, m.look, m.colours, m.pixels_hash, m.damage, now, pid)
                 for pid, m, _ in embedded),
            )
            self._store_file_facts([(pid, m.file_facts, m.dated_beside) for pid, m, _ in embedded])
            self._conn.executemany(
                "INSERT OR REPLACE INTO embeddings (photo_id, model_id, vector, gen) VALUES (?, ?, ?, ?)",
                ((pid, model_id, vector_to_blob(v), gen) for pid, _, v in embedded),
            )
            ids = [pid for pid, _, _ in embedded]
            had_keywords = {r[0] for r in self._rows_in(
                "SELECT DISTINCT photo_id FROM keyword_tags WHERE photo_id IN ({marks})", ids)}
            for pid, m, _ in embedded:  # most photos have no keywords, before or now: nothing to do
                if pid in had_keywords or m.keywords or m.sidecar_keywords or m.own_sidecar_keywords:
                    self._replace_keywords(pid, "file", m.keywords)
                    self._replace_keywords(pid, "sidecar", m.sidecar_keywords, m.own_sidecar_keywords)
            self._conn.executemany("DELETE FROM captions WHERE rowid = ?", ((pid,) for pid in ids))
            self._conn.executemany(
                "INSERT INTO captions (rowid, in_file, in_sidecar, cjk) VALUES (?, ?, ?, ?)",
                ((pid, m.caption, m.sidecar_caption, _cjk_index_terms(m.caption, m.sidecar_caption))
                 for pid, m, _ in embedded if m.caption or m.sidecar_caption),
            )
            self._conn.executemany(
                "UPDATE photos SET status = 'failed', failure = ?, indexed_at = ? WHERE id = ?",
                ((reason, now, pid) for pid, reason in failed),
            )
            came = [(pid, m, before[pid]) for pid, m, _ in embedded if pid in before and before[pid][1] != m.hash]
            if came:
                self._remember_again(came)
        return gen

    def _remember_again(self, photos: list[tuple[PhotoId, PhotoMetadata, tuple[str, str | None, str | None]]]) -> None:
        """Photos whose bytes are new to their row get back what the user said about the same
        bytes (or, read for the first time, the same pixels) when the library forgot them (see
        forgotten_tags): the tags of the photo forgotten at the same path, else of one whose
        path the library no longer has, or has with other bytes (it moved, and its name was used
        again; one with the same name first), never those of a copy back at its own path. A photo
        whose file was replaced by a forgotten one (put back over it while photoclip was closed)
        becomes that photo: its own tags are forgotten in turn. `photos`: (id, what was read now,
        (path, hash, pixels hash) before)."""
        if not self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM forgotten_tags) OR EXISTS (SELECT 1 FROM forgotten_distinct)"
        ).fetchone()[0]:
            return
        partners = self._forgotten_partners([path for _, _, (path, old_hash, _) in photos if old_hash is None])
        for pid, meta, (path, old_hash, old_pixels) in photos:
            pixels = meta.pixels_hash if old_hash is None else None
            found = self._conn.execute(
                "SELECT DISTINCT path FROM forgotten_tags WHERE hash = ? OR pixels_hash = ?", (meta.hash, pixels)
            ).fetchall()
            paths = sorted(r[0] for r in found)  # as stored, like `path`
            same, same_args = "(hash = ? OR pixels_hash = ?)", (meta.hash, pixels)
            if not paths and old_hash is None:  # a raw whose JPEG, deleted, stood for the shot, or a JPEG for a raw
                paths, same, same_args = partners.get(path, []), "1", ()
            if path not in paths:  # moved: only from a path whose bytes the library no longer has (not a copy's)
                here = {r[0] for r in self._rows_in(
                    "SELECT path FROM photos WHERE (hash IS NULL OR hash = ? OR pixels_hash = ?) AND path IN ({marks})",
                    paths, meta.hash, meta.pixels_hash)}
                paths = [p for p in paths if p not in here]
            if paths:
                name = os.path.basename(path)
                chosen = path if path in paths else next((p for p in paths if os.path.basename(p) == name), paths[0])
                if old_hash is not None:
                    self._forget_tags_of(pid, old_hash, old_pixels, path)
                self._give_forgotten_tags([pid], chosen, same, same_args)
            self._give_forgotten_distinct(pid, meta.pixels_hash or meta.hash)

    def _forgotten_partners(self, paths: Sequence[str]) -> dict[str, list[str]]:
        """Of each raw at `paths` (as stored), the JPEGs/HEICs of its shot beside it that tags were
        forgotten at; of each JPEG/HEIC, its raws' (rawfile.one_shot). One stood for the shot while the
        other was left out: when one is gone, the tags the library forgot with it are the other's
        (_remember_again). A Pixel names the two unlike ("PXL_1.RAW-01.COVER.jpg", "PXL_1.RAW-02.ORIGINAL.dng"):
        the paths that start as the shot's name does, up to its dot, are read, then matched."""
        shots = {path: os.path.join(os.path.dirname(path), shot_stem(path)) + "."
                 for path in paths if is_raw_name(path) or stands_for_raw(path)}
        found: dict[str, list[str]] = {}
        for chunk in _chunks(list(shots.items()), 200):
            ranges = " OR ".join(["(path >= ? AND path < ?)"] * len(chunk))
            bounds = [bound for _, start in chunk for bound in (start, start[:-1] + "/")]  # "/" follows "."
            others = [r[0] for r in self._conn.execute(f"SELECT DISTINCT path FROM forgotten_tags WHERE {ranges}",
                                                      bounds)]
            for path, _ in chunk:
                found[path] = sorted(other for other in others if one_shot(path, other) or one_shot(other, path))
        return found

    def _give_forgotten_tags(self, ids: Sequence[PhotoId], path: str, same: str, same_args: tuple) -> None:
        """The tags forgotten with the photo at `path` (as stored) whose bytes match `same` go to
        `ids`, once: they are no longer kept for another copy."""
        for pid in ids:
            self._conn.execute(  # one taken off stays off, though its keyword gave it again
                "INSERT INTO tags (photo_id, tag, source, by_hand)"
                f" SELECT ?, tag, source, source = 'user' FROM forgotten_tags WHERE path = ? AND {same}"
                " ON CONFLICT (photo_id, tag) DO UPDATE SET source = 'rejected', by_hand = 0"
                " WHERE excluded.source = 'rejected' AND tags.by_hand = 0", (pid, path, *same_args))
        self._conn.execute(f"DELETE FROM forgotten_tags WHERE path = ? AND {same}", (path, *same_args))

    def _give_forgotten_distinct(self, pid: PhotoId, key: str) -> None:
        """The "not duplicates" marks forgotten with photos of this key (pixels hash, else hash)."""
        self._conn.execute(
            "INSERT OR IGNORE INTO distinct_photos (a, b)"
            " SELECT MIN(?1, p.id), MAX(?1, p.id) FROM forgotten_distinct f JOIN photos p"
            " ON p.pixels_hash = f.other_key OR p.hash = f.other_key WHERE f.key = ?2 AND p.id != ?1"
            " UNION SELECT MIN(?1, p.id), MAX(?1, p.id) FROM forgotten_distinct f JOIN photos p"
            " ON p.pixels_hash = f.key OR p.hash = f.key WHERE f.other_key = ?2 AND p.id != ?1",
            (pid, key),
        )

    def _forget_tags_of(self, pid: PhotoId, content_hash: str, pixels_hash: str | None, path: str) -> None:
        """What the photos_forgotten trigger does for a deleted photo, for one that stays (`path`
        as stored); its keywords are the new file's by now, so those the user took off are not."""
        kept = (" FROM tags t WHERE t.photo_id = ? AND (t.source = 'rejected' OR t.source = 'user' AND NOT EXISTS"
                " (SELECT 1 FROM keyword_tags k WHERE k.photo_id = t.photo_id AND k.tag = t.tag))")
        self._conn.execute(
            "INSERT OR REPLACE INTO forgotten_tags (hash, pixels_hash, path, tag, source)"
            f" SELECT ?, ?, ?, t.tag, t.source{kept}", (content_hash, pixels_hash, path, pid))
        self._conn.execute(f"DELETE FROM tags WHERE rowid IN (SELECT t.rowid{kept})", (pid,))

    def embeddings(
        self, model_id: str, dim: int, since_gen: int = 0, chunk: int = 20000
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ids, float32 vectors) in chunks: what the vector index is rebuilt or caught up from."""
        cur = self._conn.execute(
            "SELECT photo_id, vector FROM embeddings WHERE model_id = ? AND gen > ? ORDER BY photo_id",
            (model_id, since_gen),
        )
        while rows := cur.fetchmany(chunk):
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            yield ids, blobs_to_matrix([r[1] for r in rows], dim)

    def embedding_ids(self, model_id: str) -> np.ndarray:
        rows = self._conn.execute(
            "SELECT photo_id FROM embeddings WHERE model_id = ?", (model_id,)
        ).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def vector_dim(self, model_id: str) -> int | None:
        """How long the vectors stored for this model are; None when there is none yet."""
        row = self._conn.execute(
            "SELECT length(vector) FROM embeddings WHERE model_id = ? LIMIT 1", (model_id,)
        ).fetchone()
        return row[0] // np.dtype(np.float16).itemsize if row else None

    def known_hashes(self) -> set[str]:
        """Every content hash a photo of the library has (what its thumbnails are keyed by)."""
        return {r[0] for r in self._conn.execute("SELECT DISTINCT hash FROM photos WHERE hash IS NOT NULL")}

    def hashes(self, ids: Iterable[PhotoId]) -> dict[PhotoId, str]:
        rows = self._rows_in("SELECT id, hash FROM photos WHERE id IN ({marks}) AND hash IS NOT NULL", ids)
        return {PhotoId(r[0]): r[1] for r in rows}

    def looks(self, ids: Iterable[PhotoId]) -> dict[PhotoId, bytes]:
        """The looks (looks.look_of) of these photos, where they have one."""
        rows = self._rows_in("SELECT id, look FROM photos WHERE id IN ({marks}) AND look IS NOT NULL", ids)
        return {PhotoId(r[0]): bytes(r[1]) for r in rows}

    def colours(self, ids: Iterable[PhotoId]) -> dict[PhotoId, bytes]:
        """The colours (looks.colours_of) of these photos, where they have them: photos indexed
        before they were kept have none."""
        rows = self._rows_in("SELECT id, colours FROM photos WHERE id IN ({marks}) AND colours IS NOT NULL", ids)
        return {PhotoId(r[0]): bytes(r[1]) for r in rows}

    def vector(self, photo_id: PhotoId, model_id: str) -> np.ndarray | None:
        row = self._conn.execute(
            "SELECT vector FROM embeddings WHERE photo_id = ? AND model_id = ?", (photo_id, model_id)
        ).fetchone()
        return np.frombuffer(row[0], dtype=np.float16).astype(np.float32) if row else None

    # duplicates

    def present_photos(self) -> dict[PhotoId, Photo]:
        """Photos on online roots that were read at least once (their hash is known)."""
        rows = self._conn.execute(
            f"SELECT {', '.join('p.' + c.strip() for c in _PHOTO_COLUMNS.split(','))}"
            " FROM photos p JOIN roots r ON r.id = p.root_id WHERE r.online = 1 AND p.hash IS NOT NULL"
        )
        return {photo.id: photo for photo in map(_photo, rows)}

    def same_bytes(self) -> list[list[PhotoId]]:
        """Photos on online roots that share their bytes (content hash), in groups of two or more."""
        rows = self._conn.execute(
            "SELECT group_concat(p.id) FROM photos p JOIN roots r ON r.id = p.root_id"
            " WHERE r.online = 1 AND p.hash IS NOT NULL GROUP BY p.hash HAVING COUNT(*) > 1"
        )
        return [[PhotoId(int(i)) for i in r[0].split(",")] for r in rows]

    def files_of_bytes(self, hashes: Iterable[str]) -> dict[str, list[Photo]]:
        """The indexed files of each of these contents that two files or more have."""
        found: dict[str, list[Photo]] = {}
        for photo in map(_photo, self._rows_in(
                f"SELECT {_PHOTO_COLUMNS} FROM photos WHERE hash IN ({{marks}}) AND status = 'indexed'", hashes)):
            found.setdefault(photo.hash or "", []).append(photo)
        return {content: files for content, files in found.items() if len(files) > 1}

    def copies_of(self, photo_id: PhotoId) -> list[Path]:
        """The other indexed files of this photo's very bytes, by path."""
        rows = self._conn.execute(
            "SELECT c.path FROM photos p JOIN photos c ON c.hash = p.hash AND c.id != p.id"
            " WHERE p.id = ? AND c.status = 'indexed' ORDER BY c.path", (photo_id,))
        return [Path(_path_text(r[0])) for r in rows]

    def mark_distinct(self, ids: Iterable[PhotoId]) -> None:
        """These photos are not duplicates of one another, whatever their vectors say."""
        ids = sorted(set(ids))
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        with self.transaction():
            self._conn.executemany("INSERT OR IGNORE INTO distinct_photos (a, b) VALUES (?, ?)", pairs)

    def unmark_distinct(self, ids: Iterable[PhotoId]) -> int:
        """These photos may be duplicates of one another again (mark_distinct undone); returns
        how many of their pairs were marked."""
        ids = sorted(set(ids))
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        with self.transaction():
            before = self._conn.total_changes
            self._conn.executemany("DELETE FROM distinct_photos WHERE a = ? AND b = ?", pairs)
            return self._conn.total_changes - before

    def distinct_pairs(self) -> set[tuple[PhotoId, PhotoId]]:
        """Every (smaller id, larger id) pair marked distinct."""
        return {(PhotoId(a), PhotoId(b)) for a, b in self._conn.execute("SELECT a, b FROM distinct_photos")}

    # tags

    def replace_auto_tags(self, ids: Iterable[PhotoId], tags: Iterable[tuple[PhotoId, str, float]]) -> None:
        """The auto tags of `ids` become `tags`; what the user gave or took away stays."""
        with self.transaction():
            for chunk in _chunks(list(ids), 500):
                marks = ",".join("?" * len(chunk))
                self._conn.execute(f"DELETE FROM tags WHERE source = 'auto' AND photo_id IN ({marks})", chunk)
            self._conn.executemany(
                "INSERT OR IGNORE INTO tags (photo_id, tag, source, score) VALUES (?, ?, 'auto', ?)", list(tags)
            )

    def drop_auto_tags(self, keep_model: str | None = None) -> None:
        """Forget auto tags: all of them, or those of photos without a vector from `keep_model`."""
        with self.transaction():
            if keep_model is None:
                self._conn.execute("DELETE FROM tags WHERE source = 'auto'")
            else:
                self._conn.execute(
                    "DELETE FROM tags WHERE source = 'auto' AND photo_id NOT IN"
                    " (SELECT photo_id FROM embeddings WHERE model_id = ?)", (keep_model,)
                )

    def set_user_tag(self, ids: Iterable[PhotoId], tag: str, source: str) -> None:
        """`source` 'user' gives the tag; 'rejected' takes it away and keeps it away."""
        with self.transaction():
            self._conn.executemany(
                "INSERT INTO tags (photo_id, tag, source, score, by_hand) VALUES (?, ?, ?, 1.0, ?)"
                " ON CONFLICT (photo_id, tag) DO UPDATE SET source = excluded.source, score = 1.0,"
                " by_hand = excluded.by_hand",
                [(pid, tag, source, source == "user") for pid in ids],
            )

    def give_user_tags(self, moves: Iterable[tuple[PhotoId, PhotoId]]) -> int:
        """Each (copy, kept) pair: the tags the user gave the copy go to the photo kept in its
        stead, unless the user took that tag off it. Returns how many the kept photos gained."""
        with self.transaction():
            return sum(max(self._conn.execute(
                "INSERT INTO tags (photo_id, tag, source, score, by_hand)"
                " SELECT ?, tag, 'user', 1.0, 1 FROM tags WHERE photo_id = ? AND source = 'user'"
                " ON CONFLICT (photo_id, tag) DO UPDATE SET source = 'user', score = 1.0, by_hand = 1"
                " WHERE source = 'auto'",
                (kept, copy),
            ).rowcount, 0) for copy, kept in moves if copy != kept)

    def set_sidecar_keywords(
        self, keywords: Iterable[tuple[PhotoId, Sequence[str]]], own: Mapping[PhotoId, Sequence[str]] | None = None
    ) -> int:
        """Another program's sidecar of each photo now holds these keywords, and photoclip's own
        those in `own`: new ones become the user's tags, and those it held before and no longer
        does (nor the file) are taken off. Returns how many tags came or went."""
        own = own or {}
        with self.transaction():
            return sum(self._replace_keywords(pid, "sidecar", tags, own.get(pid, ())) for pid, tags in keywords)

    def _replace_keywords(self, pid: PhotoId, origin: str, tags: Sequence[str], own: Sequence[str] = ()) -> int:
        """The keywords a photo's file or sidecars (`origin`) hold now, in place of those they
        held; returns how many of its tags came or went. `own`: those in photoclip's own sidecar,
        of which only the ones added to it count (_added_to_own)."""
        old = {r[0] for r in self._conn.execute(
            "SELECT tag FROM keyword_tags WHERE photo_id = ? AND origin = ?", (pid, origin))}
        spelt = {normalize_tag(tag): tag for tag in tags}
        spelt.update((tag, shown) for tag, shown in self._added_to_own(pid, own, old).items() if tag not in spelt)
        self._conn.executemany(  # a new tag is shown as the other program spelt it
            "INSERT OR IGNORE INTO tag_spellings (tag, shown) SELECT ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM tags WHERE tag = ?) AND NOT EXISTS (SELECT 1 FROM defined_tags"
            " WHERE name = ?)", [(tag, shown, tag, tag) for tag, shown in spelt.items() if tag not in old])
        tags = list(spelt)
        new = set(tags)
        self._conn.execute("DELETE FROM keyword_tags WHERE photo_id = ? AND origin = ?", (pid, origin))
        self._conn.executemany("INSERT INTO keyword_tags (photo_id, tag, origin) VALUES (?, ?, ?)",
                               ((pid, tag, origin) for tag in new))
        exported = {r[0] for r in self._conn.execute(  # photoclip's own keywords (in its sidecar, or copied from
            "SELECT tag FROM exported_tags WHERE photo_id = ?", (pid,))}  # it into the file): no guess nor gone tag
        given = self._conn.executemany(  # the user's own tags, given elsewhere; one taken away here stays away
            "INSERT INTO tags (photo_id, tag, source, score) VALUES (?, ?, 'user', 1.0)"
            " ON CONFLICT (photo_id, tag) DO UPDATE SET source = 'user', score = 1.0 WHERE source = 'auto'",
            [(pid, tag) for tag in tags if tag not in old and tag not in exported],
        ).rowcount
        taken = self._conn.executemany(  # taken away in the other program
            "DELETE FROM tags WHERE photo_id = ? AND tag = ? AND source = 'user' AND by_hand = 0"
            " AND NOT EXISTS (SELECT 1 FROM keyword_tags k WHERE k.photo_id = ? AND k.tag = ?)",
            [(pid, tag, pid, tag) for tag in old - new],
        ).rowcount
        return max(given, 0) + max(taken, 0)

    def _added_to_own(self, pid: PhotoId, own: Sequence[str], old: set[str]) -> dict[str, str]:
        """The keywords of photoclip's own sidecar of a photo (tag -> as spelt) that someone
        added to it: those it held already, and new ones that export did not write, nor name a
        tag the photo has (a watcher reads the sidecar the moment export wrote it). None where
        photoclip does not know what it wrote there (exported before schema 19, or a copy)."""
        if not own:
            return {}
        spelt = {normalize_tag(tag): tag for tag in own}
        if not self._conn.execute("SELECT 1 FROM exported_sidecars WHERE photo_id = ?", (pid,)).fetchone():
            return {tag: shown for tag, shown in spelt.items() if tag in old}
        known = {r[0] for r in self._conn.execute(
            "SELECT tag FROM exported_tags WHERE photo_id = ? UNION SELECT tag FROM tags WHERE photo_id = ?",
            (pid, pid))}
        return {tag: shown for tag, shown in spelt.items() if tag in old or tag not in known}

    def captioned(self, words: Sequence[str]) -> list[PhotoId]:
        """Indexed photos whose caption holds every one of `words` (any case and accents), newest first."""
        if not words:
            return []
        match = " AND ".join(map(_fts_word, words))
        rows = self._conn.execute(
            "SELECT p.id FROM captions c JOIN photos p ON p.id = c.rowid WHERE captions MATCH ?"
            f" AND p.status = 'indexed' ORDER BY {_SHOWN_AT} DESC, p.id", (match,),
        )
        return [PhotoId(r[0]) for r in rows]

    def described_by_sidecars(self, root_id: RootId) -> list[str]:
        """Paths of the photos of a root whose tags, caption or date came from another program's sidecar."""
        rows = self._conn.execute(
            "SELECT path FROM photos WHERE root_id = ? AND (id IN (SELECT photo_id FROM keyword_tags"
            " WHERE origin = 'sidecar') OR id IN (SELECT rowid FROM captions WHERE in_sidecar IS NOT NULL)"
            " OR id IN (SELECT photo_id FROM file_facts WHERE dated_beside))",
            (root_id,),
        )
        return [_path_text(r[0]) for r in rows]

    def caption_words_known(self, words: Sequence[str]) -> list[str]:
        """Which of `words` some caption holds."""
        return [w for w in words if self._conn.execute(
            "SELECT 1 FROM captions WHERE captions MATCH ? LIMIT 1", (_fts_word(w),)).fetchone()]

    def caption(self, photo_id: PhotoId) -> str | None:
        """What the photo's file and another program's sidecar say about it, one text each line."""
        row = self._conn.execute("SELECT in_file, in_sidecar FROM captions WHERE rowid = ?", (photo_id,)).fetchone()
        if row is None:
            return None
        lines = dict.fromkeys(line for text in row if text for line in text.splitlines())
        return "\n".join(lines) or None

    def set_sidecar_captions(self, captions: Iterable[tuple[PhotoId, str | None]]) -> None:
        """Another program's sidecar changed: what it says about each photo now."""
        with self.transaction():
            for pid, text in captions:
                self._set_captions(pid, self._caption_in_file(pid), text)

    def user_tags_among(self, names: Iterable[str]) -> set[str]:
        """Which of `names` are tags the user gave some photo (by hand, or in another program)."""
        return {r[0] for r in self._rows_in("SELECT DISTINCT tag FROM tags WHERE tag IN ({marks}) AND source = 'user'",
                                             names)}

    def change_stamp(self) -> tuple[int, int]:
        """Differs once anything in the catalog changed, here or in another process: what a cache
        of what it holds is checked against."""
        return self._conn.execute("PRAGMA data_version").fetchone()[0], self._conn.total_changes

    def user_tag_names(self) -> list[str]:
        """Every tag the user gave some photo, by hand or as a keyword."""
        return [r[0] for r in self._conn.execute("SELECT DISTINCT tag FROM tags WHERE source = 'user'")]

    def has_tag(self, tag: str) -> bool:
        """Whether some photo carries `tag`, takes it off, or the user defined it."""
        return self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM tags WHERE tag = ?) OR EXISTS (SELECT 1 FROM defined_tags WHERE name = ?)",
            (tag, tag)).fetchone()[0] == 1

    def spell(self, tag: str, shown: str, replace: bool = True) -> None:
        """How `tag` is shown; `replace` False keeps a spelling it has already."""
        with self.transaction():
            self._conn.execute(f"INSERT OR {'REPLACE' if replace else 'IGNORE'} INTO tag_spellings (tag, shown)"
                               " VALUES (?, ?)", (tag, shown))

    def unspell_unused(self, tag: str) -> None:
        """Forget how `tag` is shown once nothing carries it: a tag made anew is spelt anew."""
        if not self.has_tag(tag):
            with self.transaction():
                self._conn.execute("DELETE FROM tag_spellings WHERE tag = ?", (tag,))

    def spellings(self) -> dict[str, str]:
        """Each tag shown otherwise than as it is stored -> how it is shown."""
        return dict(self._conn.execute("SELECT tag, shown FROM tag_spellings WHERE shown != tag"))

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag some photo carries, with how many carry it, most common first."""
        rows = self._conn.execute(
            "SELECT tag, COUNT(*) AS n FROM tags WHERE source != 'rejected' GROUP BY tag ORDER BY n DESC, tag"
        )
        return [(r[0], r[1]) for r in rows]

    def tagged(self, tag: str, by_user: bool = False) -> list[PhotoId]:
        """Photos that carry `tag`: the user's own first, then the surest auto tags (none of
        those `by_user`: where the tag is taken for a fact, such as where a photo was taken)."""
        rows = self._conn.execute(
            "SELECT photo_id FROM tags WHERE tag = ? AND source " + ("= 'user'" if by_user else "!= 'rejected'") +
            " ORDER BY source = 'auto', score DESC, photo_id", (tag,)
        )
        return [PhotoId(r[0]) for r in rows]

    def tag_sources(self, tag: str) -> dict[PhotoId, tuple[str, float]]:
        """(source, score) of `tag` on each photo that carries it."""
        rows = self._conn.execute("SELECT photo_id, source, score FROM tags WHERE tag = ? AND source != 'rejected'",
                                  (tag,))
        return {PhotoId(r[0]): (r[1], r[2]) for r in rows}

    def photo_tags(self, photo_id: PhotoId) -> list[tuple[str, str, float]]:
        """(tag, source, score) of one photo, rejected ones included, best first."""
        rows = self._conn.execute(
            "SELECT tag, source, score FROM tags WHERE photo_id = ? ORDER BY source = 'rejected', score DESC, tag",
            (photo_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def folder_sizes(self) -> dict[str, int]:
        """How many indexed photos each folder holds directly (its album's size)."""
        rows = self._conn.execute(
            f"SELECT {_FOLDER} AS folder, COUNT(*) FROM photos p WHERE p.status = 'indexed' GROUP BY folder", (os.sep,)
        )
        return {_folder(r[0]): r[1] for r in rows}

    def folders(self) -> set[str]:
        """Every folder that holds a photo of the catalog's, indexed or not. Split in Python: four
        times as fast as grouping by _FOLDER in SQL (50 ms for 100,000 photos)."""
        return {os.path.dirname(_path_text(r[0])) for r in self._conn.execute("SELECT path FROM photos")}

    def folder_tag_counts(self) -> Iterator[tuple[str, str, int]]:
        """(folder, tag, how many of its indexed photos carry the tag): what album tags are made of."""
        rows = self._conn.execute(
            f"SELECT {_FOLDER} AS folder, t.tag, COUNT(*) FROM tags t JOIN photos p ON p.id = t.photo_id"
            " WHERE p.status = 'indexed' AND t.source != 'rejected' GROUP BY folder, t.tag", (os.sep,)
        )
        for folder, tag, count in rows:
            yield _folder(folder), tag, count

    def tags_of_present_photos(self, user_only: bool = False) -> dict[Path, list[str]]:
        """Each tagged photo on a connected folder, with its tags (surest first)."""
        rows = self._conn.execute(
            "SELECT p.path, t.tag FROM tags t JOIN photos p ON p.id = t.photo_id JOIN roots r ON r.id = p.root_id"
            " WHERE r.online = 1 AND t.source " + ("= 'user'" if user_only else "!= 'rejected'")
            + " ORDER BY p.path, t.source = 'auto', t.score DESC, t.tag"
        )
        out: dict[Path, list[str]] = {}
        for path, tag in rows:
            out.setdefault(Path(_path_text(path)), []).append(tag)
        return out

    def note_exported_tags(self, written: Mapping[Path, Sequence[str]]) -> None:
        """The sidecars of the photos at `written` were just written with these tags as keywords:
        they are photoclip's, not keywords the user gave elsewhere, should another program keep
        them when it edits the sidecar. Automatic ones stay guesses, and one the user deletes,
        renames or takes off later does not come back from the sidecar."""
        with self.transaction():
            for path, tags in written.items():
                row = self._conn.execute("SELECT id FROM photos WHERE path = ?", (_text(path),)).fetchone()
                if row is None:
                    continue
                self._conn.execute("DELETE FROM exported_tags WHERE photo_id = ?", (row[0],))
                self._conn.executemany("INSERT OR IGNORE INTO exported_tags (photo_id, tag) VALUES (?, ?)",
                                       ((row[0], normalize_tag(tag)) for tag in tags))
                self._conn.execute("INSERT OR IGNORE INTO exported_sidecars (photo_id) VALUES (?)", (row[0],))

    def define_tag(self, name: str, prompt: str) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO defined_tags (name, prompt, added_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET prompt = excluded.prompt", (name, prompt, time.time())
            )

    def forget_tag(self, name: str) -> bool:
        """Remove a defined tag; its auto tags go with it (the user's own stay). False if unknown."""
        with self.transaction():
            gone = self._conn.execute("DELETE FROM defined_tags WHERE name = ?", (name,)).rowcount
            self._conn.execute("DELETE FROM tags WHERE tag = ? AND source = 'auto'", (name,))
        return bool(gone)

    def defined_tags(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._conn.execute("SELECT name, prompt FROM defined_tags ORDER BY name")]

    def rename_user_tag(self, old: str, new: str) -> int:
        """The user's tag `old` becomes `new` on every photo that has it, or that it was taken
        off (a photo with either word as the user's keeps it), and a tag the user defined keeps
        its description and its photos under the new name. Returns how many photos carry `new`."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO tags (photo_id, tag, source, score, by_hand)"
                " SELECT photo_id, ?, source, 1.0, source = 'user' FROM tags WHERE tag = ? AND source != 'auto'"
                " ON CONFLICT (photo_id, tag) DO UPDATE SET score = 1.0,"
                " by_hand = MAX(by_hand, excluded.by_hand), source ="
                " CASE WHEN source = 'user' OR excluded.source = 'user' THEN 'user' ELSE excluded.source END",
                (new, old))
            self._conn.execute("DELETE FROM tags WHERE tag = ? AND source != 'auto'", (old,))
            if self._conn.execute("UPDATE defined_tags SET name = ? WHERE name = ?", (new, old)).rowcount:
                self._conn.execute("INSERT OR IGNORE INTO tags (photo_id, tag, source, score)"
                                   " SELECT photo_id, ?, 'auto', score FROM tags WHERE tag = ? AND source = 'auto'",
                                   (new, old))
                self._conn.execute("DELETE FROM tags WHERE tag = ? AND source = 'auto'", (old,))
            self._conn.execute("UPDATE OR IGNORE forgotten_tags SET tag = ? WHERE tag = ?", (new, old))
            self._conn.execute("DELETE FROM forgotten_tags WHERE tag = ?", (old,))
            return self._conn.execute(
                "SELECT COUNT(*) FROM tags WHERE tag = ? AND source != 'rejected'", (new,)).fetchone()[0]

    def delete_user_tag(self, name: str) -> int:
        """Take the user's tag `name` off every photo (and forget the photos it was taken off),
        and stop giving it if the user defined it; the vocabulary's own stay. Returns how many
        photos lost it."""
        with self.transaction():
            lost = self._conn.execute("DELETE FROM tags WHERE tag = ? AND source = 'user'", (name,)).rowcount
            self._conn.execute("DELETE FROM tags WHERE tag = ? AND source = 'rejected'", (name,))
            if self._conn.execute("DELETE FROM defined_tags WHERE name = ?", (name,)).rowcount:
                lost += self._conn.execute("DELETE FROM tags WHERE tag = ? AND source = 'auto'", (name,)).rowcount
            self._conn.execute("DELETE FROM forgotten_tags WHERE tag = ?", (name,))
        return lost

    def vectors_of(self, ids: Iterable[PhotoId], model_id: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of those of `ids` that hold a vector from `model_id`."""
        rows = list(self._rows_in(
            "SELECT photo_id, vector FROM embeddings WHERE model_id = ? AND photo_id IN ({marks})", ids, model_id
        ))
        return np.array([r[0] for r in rows], dtype=np.int64), blobs_to_matrix([r[1] for r in rows], dim)

    # reading photos

    def photo(self, photo_id: PhotoId) -> Photo | None:
        row = self._conn.execute(f"SELECT {_PHOTO_COLUMNS} FROM photos WHERE id = ?", (photo_id,)).fetchone()
        return _photo(row) if row else None

    def photo_by_path(self, path: Path | str) -> Photo | None:
        row = self._conn.execute(
            f"SELECT {_PHOTO_COLUMNS} FROM photos WHERE path = ?", (_text(path),)
        ).fetchone()
        return _photo(row) if row else None

    def named(self, prefix: str, limit: int = 500) -> list[PhotoId]:
        """Indexed photos whose file name starts with `prefix` (any case), the exact names first,
        then newest first: what a person who types a file name ("IMG_1234") is after. Those
        whose name key starts as the prefix's does are read (a range of the index), then the
        names themselves compared."""
        low, high = key_range(name_key(prefix.rpartition(".")[0] or prefix))
        rows = self._conn.execute(
            "SELECT id, path FROM photos WHERE name_key >= ? AND name_key < ? AND status = 'indexed'"
            f" ORDER BY {_SHOWN_AT} DESC, id",
            (low, high),
        )
        folded = prefix.casefold()
        found = [(PhotoId(pid), os.path.basename(_path_text(path)).casefold()) for pid, path in rows]
        matches = [(pid, name) for pid, name in found if name.startswith(folded)]
        exact = [pid for pid, name in matches if name == folded or os.path.splitext(name)[0] == folded]
        first = set(exact)
        return (exact + [pid for pid, _ in matches if pid not in first])[:limit]

    def named_whole(self, key: str, limit: int = 500) -> list[PhotoId]:
        """Indexed photos whose whole name, less its suffix, has this name key ("lisbon tram" is
        "Lisbon tram.JPG", "selfie" is "😀 selfie.jpg") or is it numbered ("Lisbon tram 2.jpg",
        "lisbon tram (3).jpg", as exports and copies number them), those named so exactly first,
        newest first: one range of the index, from the name to the names after it with a space and
        a digit (":" comes after "9")."""
        rows = self._conn.execute(
            f"SELECT id, name_key FROM photos WHERE name_key >= ? AND name_key < ? AND +status = 'indexed'"
            f" ORDER BY name_key != ?, {_SHOWN_AT} DESC, id LIMIT ?",
            (key, f"{key} :", key, limit),
        )
        return [PhotoId(pid) for pid, named in rows if named == key or named[len(key) + 1:].isdigit()]

    def photos(self, ids: Iterable[PhotoId]) -> dict[PhotoId, Photo]:
        rows = self._rows_in(f"SELECT {_PHOTO_COLUMNS} FROM photos WHERE id IN ({{marks}})", ids)
        return {photo.id: photo for photo in map(_photo, rows)}

    def photos_by_date(
        self, offset: int = 0, limit: int = 1000, root_id: RootId | None = None, folder: str | None = None
    ) -> list[PhotoId]:
        """Newest first by date taken (the file's date for undated photos): the library's default view.

        With `root_id`, only the photos of that root (the GUI's folder view); with `folder`,
        only those directly in that folder (an album)."""
        where, args = "status != 'failed'", [limit, offset]
        if root_id is not None:
            where, args = where + " AND root_id = ?", [root_id, *args]
        if folder is not None:
            inside, folder_args = _in_folder(folder, subfolders=False)
            where, args = f"{where} AND {inside}", [*folder_args, *args]
        rows = self._conn.execute(
            f"SELECT id FROM photos WHERE {where} ORDER BY {_SHOWN_AT} DESC, path LIMIT ? OFFSET ?",
            args,
        )
        return [PhotoId(r[0]) for r in rows]

    def taken_between(self, spans: Sequence[tuple[datetime, datetime]]) -> list[PhotoId]:
        """Indexed photos taken in any of the [start, end) spans, sorted and apart (local time; the
        file's date when the photo has no EXIF date), newest first. "In may" is a span in each year:
        one query over the outer bounds, then the span of each photo found by bisection, since as
        200 conditions in SQL they took seconds over 100,000 photos."""
        if not spans:
            return []
        starts = [start.isoformat(timespec="seconds") for start, _ in spans]
        ends = [end.isoformat(timespec="seconds") for _, end in spans]
        rows = self._conn.execute(
            "SELECT id, COALESCE(taken_at, strftime('%Y-%m-%dT%H:%M:%S', mtime_ns / 1000000000,"
            " 'unixepoch', 'localtime')) AS day, taken_until FROM photos"
            " WHERE status = 'indexed' AND day >= ? AND day < ? ORDER BY day DESC, id",
            (starts[0], ends[-1]),
        )
        found = []
        for pid, day, until in rows:
            end = ends[bisect.bisect_right(starts, day) - 1]
            if day < end if until is None else until <= end:  # dated "2019" by its folder: in 2019, not in its January
                found.append(PhotoId(pid))
        return found

    def indexed_in(self, folder: str, subfolders: bool = True) -> list[PhotoId]:
        """Indexed photos below `folder` (only those directly in it without `subfolders`), newest first."""
        return self._newest_where(*_in_folder(folder, subfolders))

    def indexed_below(self, folders: Iterable[str]) -> set[PhotoId]:
        """Indexed photos below any of `folders`, unordered: a range of the path index each (the
        status is checked on the rows found, not by its index: a scan of every photo)."""
        found: set[PhotoId] = set()
        for folder in folders:
            where, args = _in_folder(folder, subfolders=True)
            found.update(PhotoId(r[0]) for r in self._conn.execute(
                f"SELECT id FROM photos WHERE {where} AND +status = 'indexed'", args))
        return found

    def located_in(self, country: str, region: str | None = None) -> list[PhotoId]:
        """Indexed photos taken in a country (and region), newest first."""
        where, args = "country = ?", [country]
        if region is not None:
            where, args = where + " AND region = ?", [country, region]
        return self._newest_where(where, args)

    def located_near(self, lat: float, lon: float, radius_km: float, country: str | None = None) -> list[PhotoId]:
        """Indexed photos taken within radius_km of a position (and in `country`), newest first."""
        dlat = radius_km / 111.0
        dlon = radius_km / max(1.0, 111.0 * math.cos(math.radians(lat)))
        known = self._positions_known()
        box = (known.lat >= lat - dlat) & (known.lat <= lat + dlat) & (known.lon >= lon - dlon) & (
            known.lon <= lon + dlon)
        if country is not None:
            box &= known.country == country
        near = [i for i in np.flatnonzero(box).tolist()
                if places.distance_km(lat, lon, float(known.lat[i]), float(known.lon[i])) <= radius_km]
        near.sort(key=lambda i: known.taken_at[i] or "", reverse=True)  # newest first, undated last
        return [PhotoId(int(known.ids[i])) for i in near]

    def _positions_known(self) -> _Positions:
        """Where the indexed photos were taken, read once per change of the catalog: a search near
        a town looks at every position (no index can), and a place word may name a dozen towns."""
        stamp = self.change_stamp()
        cached = self._positions
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rows = self._conn.execute(
            "SELECT id, lat, lon, country, taken_at FROM photos WHERE status = 'indexed' AND lat IS NOT NULL"
            " AND lon IS NOT NULL ORDER BY id").fetchall()
        known = _Positions(
            ids=np.array([r[0] for r in rows], dtype=np.int64), lat=np.array([r[1] for r in rows], dtype=np.float64),
            lon=np.array([r[2] for r in rows], dtype=np.float64),
            country=np.array([r[3] for r in rows], dtype=object), taken_at=[r[4] for r in rows])
        self._positions = (stamp, known)
        return known

    def located_in_town(self, town: str, country: str) -> list[PhotoId]:
        """Indexed photos named by this town of this country, newest first."""
        return self._newest_where("town = ? AND country = ?", [town, country])

    def towns(self) -> list[tuple[str, str]]:
        """(town, country code) of every town the library's photos are named by."""
        rows = self._conn.execute(
            "SELECT DISTINCT town, country FROM photos WHERE town IS NOT NULL AND status = 'indexed'"
        )
        return [(r[0], r[1] or "") for r in rows]

    def has_positions(self) -> bool:
        """Whether any photo has a GPS position (else no query needs the gazetteer)."""
        return self._conn.execute("SELECT 1 FROM photos WHERE lat IS NOT NULL LIMIT 1").fetchone() is not None

    def country_counts(self) -> list[tuple[str, int]]:
        """(country code, indexed photos taken there), most photos first."""
        rows = self._conn.execute(
            "SELECT country, COUNT(*) AS n FROM photos WHERE status = 'indexed' AND country IS NOT NULL"
            " GROUP BY country ORDER BY n DESC, country"
        )
        return [(r[0], r[1]) for r in rows]

    def _newest_where(self, where: str, args: list) -> list[PhotoId]:
        rows = self._conn.execute(
            f"SELECT id FROM photos WHERE status = 'indexed' AND {where} ORDER BY {_SHOWN_AT} DESC, id", args,
        )
        return [PhotoId(r[0]) for r in rows]

    def counts(self, model_id: str) -> Counts:
        row = self._conn.execute(
            "SELECT COUNT(*),"
            " SUM(p.status = 'indexed' AND e.photo_id IS NOT NULL AND NOT e.stale),"
            " SUM(p.status = 'failed')"
            " FROM photos p LEFT JOIN embeddings e ON e.photo_id = p.id AND e.model_id = ?",
            (model_id,),
        ).fetchone()
        total, indexed, failed = row[0], row[1] or 0, row[2] or 0
        return Counts(total=total, indexed=indexed, pending=total - indexed - failed, failed=failed)

    def failed_because(self, ids: Iterable[PhotoId], *reasons: str) -> list[PhotoId]:
        """Those of `ids` that failed for one of `reasons`."""
        sql = f"SELECT id FROM photos WHERE failure IN ({','.join('?' * len(reasons))}) AND id IN ({{marks}})"
        return [PhotoId(r[0]) for r in self._rows_in(sql, ids, *reasons)]

    def failures(self) -> list[tuple[Path, str]]:
        rows = self._conn.execute(
            "SELECT path, failure FROM photos WHERE status = 'failed' ORDER BY path"
        )
        return [(Path(_path_text(r[0])), r[1] or "unknown error") for r in rows]

    def damaged(self) -> list[tuple[Path, str]]:
        """Indexed photos whose files are damaged (imaging.DecodedPhoto.damage), and how: read
        through the index of the few damaged ones (the GUI asks at every status refresh)."""
        rows = self._conn.execute(
            "SELECT path, damage FROM photos WHERE damage IS NOT NULL AND +status = 'indexed' ORDER BY path"
        )
        return [(Path(_path_text(r[0])), r[1]) for r in rows]


_FULL_BELOW_BYTES = 1 << 20  # SQLite needs room for its WAL index and a few pages to open a catalog


def _free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return _FULL_BELOW_BYTES


START_FRESH = "or move it away to start fresh (the tags you gave go with it)"


def unusable(path: Path, exc: sqlite3.DatabaseError) -> LibraryError:
    """What to tell of a catalog SQLite fails on after it opened: a damaged one is the user's
    tags and marks, to be kept, not written over."""
    if isinstance(exc, sqlite3.OperationalError):
        return LibraryError(f"cannot use the catalog {path} ({exc}); check that its disk is there and working")
    return LibraryError(f"the catalog {path} is damaged ({exc}); keep a copy of it, then restore it from a backup, "
                        f"{START_FRESH}")


def _holds_bytes(path: Path) -> bool:
    """Whether a file is there and not empty: an empty write-ahead log (one a full disk left, when
    opening to write failed) holds nothing the catalog lacks."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _disk_full(exc: sqlite3.DatabaseError, folder: Path) -> bool:
    """SQLite says the disk is full, or fails to read or write (its WAL index cannot grow) on a
    disk with next to no room left."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
        return True
    return (code is None or code & 0xFF in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)) and (
        _free_bytes(folder) < _FULL_BELOW_BYTES)


def _statements(script: str) -> list[str]:
    """The statements of a migration, a trigger's body (its own semicolons) kept whole."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip().removesuffix(";"))
            pending = ""
    return [s for s in statements if s.strip()]


def _prefix_range(folder: str) -> tuple[str, str]:
    """[low, high) bounds of the paths strictly below `folder`: "a/b/" <= path < "a/b0"."""
    low = folder.rstrip(os.sep) + os.sep
    return low, low[:-1] + chr(ord(os.sep) + 1)


def _fts_word(word: str) -> str:
    """A word as an FTS5 query matches it literally (quoted, whatever characters it holds);
    its Chinese, Japanese or Korean runs by their characters (cjk.py)."""
    parts = cjk.query_parts(word) if cjk.has_cjk(word) else [word]
    phrases = ['"' + part.replace('"', '""') + '"' for part in parts]
    return phrases[0] if len(phrases) == 1 else "(" + " AND ".join(phrases) + ")"


def _unreadable_kept(value: str) -> dict[str, str]:
    """A root's unreadable list as set_unreadable keeps it: path -> why."""
    kept = json.loads(value)
    if isinstance(kept, list):  # kept before reasons were: permissions were all it said
        kept = dict.fromkeys(kept, "permission denied?")
    return kept


def _at_or_under(path: str, folders: Iterable[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


def _file_name_key(path: str) -> str:
    """file_name_key of a path as the catalog stores it, for SQL."""
    return file_name_key(_path_text(path))


def _execute_again(conn: sqlite3.Connection, statement: str) -> None:
    """A migration's statement, which a catalog marked older than it is may have had already: a
    column it adds that is there is left as it is (the others are written to be run again)."""
    try:
        conn.execute(statement)
    except sqlite3.OperationalError as exc:
        if not (statement.lstrip().upper().startswith("ALTER TABLE") and "duplicate column name" in str(exc)):
            raise


def _folder_dated(path: str) -> bool:
    """Whether a photo's folders name its date (when.date_of_folder), for SQL (it depends on today)."""
    return date_of_folder(os.path.dirname(_path_text(path))) is not None


def _name_date(path: str) -> str | None:
    """when.date_in_name of a path as the catalog stores it, for SQL (local time: not deterministic)."""
    return date_in_name(os.path.basename(_path_text(path)))


_PIXEL_NAME = re.compile(r"PXL_(\d{4})(\d\d)(\d\d)_\d{9}", re.IGNORECASE)


def _pixel_midnight(path: str) -> str | None:
    """The date schema 24 and before gave a Pixel's photo only its name dated ("PXL_20240815_233000222"):
    midnight of the name's day (UTC)."""
    found = _PIXEL_NAME.match(os.path.basename(_path_text(path)))
    return f"{found[1]}-{found[2]}-{found[3]}T00:00:00" if found else None


def _cjk_index_terms(*texts: str | None) -> str | None:
    """The cjk column of a caption's row: the characters of its Chinese, Japanese and Korean
    (cjk.py), and its words as people type them where the full-text index does not fold them so
    (Straße as strasse, Ακρόπολη as ακροπολη, Łódź as lodz, שָׁלוֹם as שלום); None when there are none."""
    text = " ".join(t for t in texts if t)
    words = [match.group() for match in marked_words(text)]
    folded = dict.fromkeys(spelling_key(word) for word in words if spelling_key(word) != word.lower())
    return " ".join(filter(None, (cjk.index_terms(text), *folded))) or None


def _in_folder(folder: str, subfolders: bool) -> tuple[str, list]:
    """A WHERE clause (a range scan on the path index) for the photos below `folder`."""
    prefix, after = _prefix_range(_text(folder))
    if subfolders:
        return "path >= ? AND path < ?", [prefix, after]
    return "path >= ? AND path < ? AND instr(substr(path, ?), ?) = 0", [prefix, after, len(prefix) + 1, os.sep]


_FOLDER = "rtrim(p.path, replace(p.path, ?, ''))"
"""A photo's folder, with its trailing separator (the ? is os.sep): the path less what follows
its last separator. Grouped in SQL, which lets go of Python's lock meanwhile: at startup the
model's import holds that lock for seconds."""


def _folder(text: str) -> str:
    return os.path.dirname(_path_text(text))


def _states(rows: Iterable[tuple]) -> dict[str, FileState]:
    return {_path_text(r[0]): FileState(PhotoId(r[1]), *r[2:6]) for r in rows}


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
