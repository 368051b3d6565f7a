"""The `photoclip` command: a thin face on photoclip.library.

Results go to stdout (paths one per line, or --json); progress goes to stderr, and only when
stderr is a terminal. Errors are one line on stderr with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import ast
import codecs
import dataclasses
import difflib
import errno
import itertools
import json
import logging
import os
import re
import shlex
import signal
import sqlite3
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from photoclip import __version__, config, folder_probe, humanize, tagging
from photoclip.catalog import CATALOG_FILE, Photo, unusable
from photoclip.clip_tokenizer import ClipTokenizer
from photoclip.dedup import (
    DEFAULT_SIMILARITY,
    LEAST_SIMILARITY,
    DuplicateGroup,
    named_a_conflict_copy,
    why_kept,
    why_kept_too,
)
from photoclip.errors import (
    LibraryError,
    LibraryLockedError,
    LibraryNotWritableError,
    PhotoclipError,
    QueryError,
)
from photoclip.fsutil import as_cataloged, expanded, in_int64, on_disk
from photoclip.humanize import plural
from photoclip.ids import PhotoId
from photoclip.imaging import IMAGE_SUFFIXES
from photoclip.library import Library, LibraryStatus, ask_to_add, ask_to_tag, file_date, tagged_before_period
from photoclip.lock import LibraryLock
from photoclip.mounts import looks_deleted
from photoclip.names import name_key, spelling_key
from photoclip.pipeline import Progress
from photoclip.scan import (
    LeftOut,
    broken_link,
    drive_gone,
    images_left_out_said,
    iter_roots_containing,
    left_out,
    left_out_said,
    walk,
)
from photoclip.search import (
    SearchHit,
    bare_name,
    is_image_url,
    missing_image,
    no_photo_at,
    parse_query,
    take_period,
    typed_folder,
)

EXIT_NOTHING_FOUND = 1  # as grep: a search that ran and found nothing
EXIT_ERROR = 2  # as grep: what was asked could not be done (or only in part)
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command Ctrl-C ended
EXIT_TERMINATED = 143  # 128 + SIGTERM
LOCK_WAIT_S = 10.0
"""How long a command that changes the library waits for another photoclip to be done with it
(a search started at the same moment holds it for a second or two)."""


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most a few times a second."""

    def __init__(self, stream: TextIO | None = None, width: int = 28) -> None:
        self.stream = stream or sys.stderr  # as it is now: main() puts one in where it was closed
        self.width = width
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._dumb = os.environ.get("TERM") == "dumb"  # Emacs' shell, some IDE consoles: no escape codes
        self._drawn = 0

    def indexing(self, p: Progress) -> None:
        if not self.enabled or (time.monotonic() - self._last < 0.2 and p.done < p.total):
            return
        self._last = time.monotonic()
        frac = p.done / p.total if p.total else 1.0
        filled = int(frac * self.width)
        eta = f" ETA {_duration(p.eta_s)}" if p.eta_s is not None and p.done < p.total else ""
        failed = f" {p.failed} failed" if p.failed else ""
        bar = f"[{'#' * filled}{'.' * (self.width - filled)}]"
        self._draw(f"{bar} {p.done}/{p.total} {p.rate:.1f} photos/s{eta}{failed}")

    def download(self, done: int, total: int | None) -> None:
        if not self.enabled or (time.monotonic() - self._last < 0.2 and done != total):
            return
        self._last = time.monotonic()
        mb = done / 1e6
        self._draw(f"downloading model: {mb:.0f} MB" + (f" of {total / 1e6:.0f} MB" if total else ""))

    def message(self, text: str) -> None:
        """A status line of its own (idle, paused, stopping)."""
        if self.enabled:
            self._draw(text)

    def _draw(self, text: str) -> None:
        self.stream.write(self._clear() + text)
        self.stream.flush()
        self._drawn = len(text)

    def _clear(self) -> str:
        return f"\r{' ' * self._drawn}\r" if self._dumb else "\r\033[K"

    def finish(self) -> None:
        if self.enabled:
            self.stream.write(self._clear())
            self.stream.flush()
            self._drawn = 0


def _home_relative(path: Path) -> str:
    """`path` as ~/… when it is in the home folder: help text reads the same for every user."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(path)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class _Parser(argparse.ArgumentParser):
    """argparse, answering a mistake in one line that says what to do, never with its usage block:
    a number out of range says what to give (argparse's "expected one argument" to `-n -1`, as
    "-1" looks like an option, says neither), a mistyped command or option names the one meant,
    and a query with a word starting with - is shown quoted."""

    def __init__(self, *args: Any, takes_words: bool = False, lists_photos: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.takes_words = takes_words  # its words are a query, which may hold a "-word"
        self.lists_photos = lists_photos  # it lists the photos found, as rclip does: rclip's options are meant
        self.commands: dict[str, _Parser] = {}
        self._number_errors: dict[str, str] = {}
        self._given: list[str] = []

    def add_number(self, *names: str, kind: type[int] | type[float], fits: Callable[[float], bool], error: str,
                   **options: Any) -> None:
        """An option taking a number that `fits`; anything else (or nothing) is refused with `error`."""

        def number(text: str) -> int | float:
            value = kind(text)
            if not fits(value):
                raise ValueError(text)
            return in_int64(value) if kind is int else value

        action = self.add_argument(*names, type=number, **options)
        self._number_errors["/".join(action.option_strings)] = error

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._given = list(sys.argv[1:] if args is None else args)  # a command's parser gets its own words
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        for option, error in self._number_errors.items():
            if message.startswith(f"argument {option}:"):  # `search city -night` is -n with "ight" to argparse
                dashed = next((word for word in self._given if re.fullmatch(r"-[^\W\d_]{2,}", word)), None)
                self.refuse(self.quote_query(dashed) if self.takes_words and dashed else self.dashed_tag() or error)
        if chosen := re.fullmatch(r"argument COMMAND: invalid choice: (.*) \(choose from .*\)", message, re.DOTALL):
            self.refuse(self._unknown_command(ast.literal_eval(chosen.group(1))))
        if missing := re.fullmatch(r"the following arguments are required: (.*)", message):
            if rclips := self.rclip_option():  # `search -p`
                self.refuse(rclips)
            stray = next((word for word in self._words_given() if word.startswith("-")), None)
            if dashed_tag := self.dashed_tag():  # `tag -beach a.jpg`: argparse took the photo for the tag
                self.refuse(dashed_tag)
            if stray is not None and not self.takes_words and os.path.lexists(stray):  # `similar -x.jpg`
                self.refuse(f"{stray} reads as an option; give the file as {os.path.join('.', stray)}")
            self.refuse(self.quote_query(stray) if self.takes_words and stray else self._missing(missing.group(1)))
        if valueless := re.fullmatch(r"argument (\S+): expected one argument", message):
            message = f"{valueless.group(1).split('/')[-1]} needs a value"
        self.refuse(f"{message} (see {self.prog} --help)")

    def refuse(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def refuse_unknown(self, command: str | None, extras: Sequence[str]) -> NoReturn:
        """Refuse the words no parser took, which argparse leaves to the top one, as the parser
        of the command they were given to."""
        parser = self.commands[command] if command else self
        stray = extras[0]
        if command and stray.startswith("-") and self._before_command(stray, command):  # `photoclip --json status`
            self.refuse(self.unknown_option(stray))
        if rclips := parser.rclip_option():
            parser.refuse(rclips)
        if parser.takes_words and (dashed := next((x for x in extras if x[:1] == "-" and x[:2] != "--"), None)):
            parser.refuse(parser.quote_query(dashed))
        if dashed_tag := parser.dashed_tag():
            parser.refuse(dashed_tag)
        if stray.startswith("-"):
            parser.refuse(parser.unknown_option(stray))
        parser.refuse(f"unexpected {stray!r} (see {parser.prog} --help)")

    def unknown_option(self, option: str) -> str:
        name = option.split("=")[0]
        owners = [command for command, parser in self.commands.items() if name in parser._option_string_actions]
        if owners:  # `photoclip -n 1 search red`: an option of the command, given before it
            return self._misplaced(option, owners)
        meant = difflib.get_close_matches(name, [o for o in self._option_string_actions if o.startswith("--")], n=1)
        return f"unknown option {name} ({f'did you mean {meant[0]}? ' if meant else ''}see {self.prog} --help)"

    def _misplaced(self, option: str, owners: list[str]) -> str:
        """An option of some commands given before the command: where it goes, shown on the
        command line given when that names one of them."""
        name = option.split("=")[0]
        command = next((word for word in self._words_given() if word in self.commands), None)
        if command is not None and command not in owners:
            return f"{name} is no option of {command}, only of {_listed(owners)} (see {self.prog} {command} --help)"
        if command is None:
            return f"{name} is an option of {_listed(owners)}; give it after the command (see {self.prog} --help)"
        words, at = list(self._given), self._given.index(option)
        takes_value = self.commands[command]._option_string_actions[name].nargs != 0 and "=" not in option
        moved = words[at:at + (2 if takes_value else 1)]
        del words[at:at + len(moved)]
        return f"{name} is an option of {command}: give it after the command, as in {self.prog} " + " ".join(
            _quoted(word) for word in words + moved)

    def _before_command(self, option: str, command: str) -> bool:
        return option in self._given and command in self._given and self._given.index(option) < self._given.index(
            command)

    def quote_query(self, stray: str) -> str:
        """A word starting with - is an option to argparse unless the query it is part of is one
        argument (a space in it); a query of that word alone needs `--` before it."""
        words, options = self._given_split()
        query = " ".join(words)  # the options given go before `--`: after it they would be words of the query
        if " " in query:
            shown, how = " ".join([*map(_quoted, options), _quoted(query)]), "quote the query"
        else:  # quoted or not, the shell gives it as it is
            shown, how = " ".join([*map(_quoted, options), "--", _quoted(query)]), "put -- before it"
        return f"{stray} is not an option; to search for words with a -, {how}: {self.prog} {shown}"

    def rclip_option(self) -> str | None:
        """What photoclip offers for an option of rclip's given to a command that lists photos as rclip
        does (`search "red circle" -t 5`): read as words of the query, or as --tag, it was said to be
        no option, or to be mistyped."""
        if not self.lists_photos:
            return None
        given = list(itertools.takewhile(lambda word: word != "--", self._given))
        for at, word in enumerate(given):
            name, _, value = word.partition("=")
            if top := re.fullmatch(r"(-t|--top)(\d*)", name):
                value = value or top.group(2) or next(iter(given[at + 1:at + 2]), "")
                return f"{top.group(1)} is rclip's; here it is -n {value if value.isdigit() else 'N'}"
            if name in ("-f", "--filepath-only"):
                command = self.prog.split()[-1]
                return (f"{name} is rclip's; here paths are what {command} prints, one per line (--scores adds "
                        "each score, --json prints JSON)")
            if name in ("-p", "--preview"):
                copy = "--copy-to" in self._option_string_actions
                return (f"{name} is rclip's; to see the photos found, search in the app (photoclip-gui)"
                        + (", or copy them into a folder with --copy-to FOLDER" if copy else ""))
        return None

    def dashed_tag(self) -> str | None:
        """Where a word starting with a single - stands where a tag goes (`tag -beach a.jpg`), how to
        give it: argparse takes it for an option, and says the photo after it is missing."""
        words, options = self._given_split()
        tags = len(list(itertools.takewhile(
            lambda action: action.type is _words and action.nargs is None,
            (action for action in self._actions if not action.option_strings))))
        stray = next((word for word in words[:tags] if word[:1] == "-" and word[:2] != "--"), None)
        if stray is None:
            return None
        shown = " ".join([*map(_quoted, options), "--", *map(_quoted, words)])
        return f"{stray} is not an option; for a tag that starts with -, put -- before the tag: {self.prog} {shown}"

    def _unknown_command(self, word: str) -> str:
        at = self._given.index(word)
        before = self._given[at - 1] if at else ""
        if before.startswith("-") and not self._knows(before):  # `--libary X status`: X was its value
            return self.unknown_option(before)
        words = list(itertools.takewhile(lambda w: not w.startswith("-"), self._given[at:]))
        query = _quoted(" ".join(words))
        if len(word.split()) > 1:  # rclip's habit: `rclip "red circle"`
            return f"to search, name the command: {self.prog} search {query}"
        meant = difflib.get_close_matches(word, self.commands, n=1)
        if meant:
            return f"unknown command {word!r} (did you mean {meant[0]!r}? see {self.prog} --help)"
        return f"unknown command {word!r} (to search: {self.prog} search {query}; see {self.prog} --help)"

    def _missing(self, names: str) -> str:
        synopsis = " ".join(_synopsis(action) for action in self._actions if not action.option_strings)
        return f"missing {' and '.join(name.upper() for name in names.split(', '))}: {self.prog} {synopsis}"

    def _knows(self, option: str) -> bool:
        name = option.split("=")[0]
        return name in self._option_string_actions or (
            name.startswith("--") and any(known.startswith(name) for known in self._option_string_actions))

    def _words_given(self) -> list[str]:
        """The words given that are not options or their values, in their order."""
        return self._given_split()[0]

    def _given_split(self) -> tuple[list[str], list[str]]:
        """The words given (_words_given), and the options given with their values, each in their order."""
        words: list[str] = []
        options: list[str] = []
        given = iter(self._given)
        for word in given:
            action = self._option_string_actions.get(word.split("=")[0])
            if action is None:
                words.append(word)
                continue
            options.append(word)
            if action.nargs != 0 and "=" not in word and (value := next(given, None)) is not None:
                options.append(value)
        return words, options


def _listed(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _synopsis(action: argparse.Action) -> str:
    name = (action.metavar or action.dest).upper()
    return {"+": f"{name}...", "*": f"[{name}...]"}.get(str(action.nargs), name)


_FILE_URI = re.compile(r"file:(?://([^/]*))?(/(?!/).*)", re.IGNORECASE | re.DOTALL)


def _local_path(text: str, what: str) -> str:
    """`text`, or the path it names where it is a file:// URI, as a file manager's "copy address"
    gives it (file:///home/me/My%20Photos is /home/me/My Photos): taken as written, it named a
    folder "file:" in the current one. One on another computer is refused: no path here reaches it."""
    uri = _FILE_URI.fullmatch(text)
    if uri is None:
        return text
    host, path = uri.groups()
    if host and host.lower() != "localhost":
        raise QueryError(f"{text} names a {what} on the computer {host}; give the path it has on this computer "
                         "(where it is mounted)")
    if os.name == "nt":
        import nturl2path  # as urllib.request reads one there: /C:/My%20Photos is C:\My Photos

        return nturl2path.url2pathname(path)
    return os.fsdecode(urllib.parse.unquote_to_bytes(path))


def _uris_as_paths(args: argparse.Namespace) -> None:
    """--library (or $PHOTOCLIP_LIBRARY), and the folders and photos a command names (a search's
    words too: an image among them), given as file:// URIs: the paths they name."""
    try:
        if args.library:
            args.library = _local_path(args.library, "folder")
        elif os.environ.get("PHOTOCLIP_LIBRARY"):
            os.environ["PHOTOCLIP_LIBRARY"] = _local_path(os.environ["PHOTOCLIP_LIBRARY"], "folder")
    except QueryError as exc:
        raise QueryError(f"{'--library' if args.library else '$PHOTOCLIP_LIBRARY'} {exc}") from None
    for name in ("paths", "path", "within", "folders", "query", "image"):
        given = getattr(args, name, None)
        if isinstance(given, str):
            setattr(args, name, _local_path(given, "folder"))
        elif given:
            setattr(args, name, [_local_path(path, "file or folder") for path in given])


def _quoted(text: str) -> str:
    """`text` as one shell word, in the double quotes people type where those keep it as it is."""
    if shlex.quote(text) == text or re.search(r'["$`\\!]', text):
        return shlex.quote(text)
    return f'"{text}"'


def _command(sub: argparse._SubParsersAction, name: str, about: str, takes_words: bool = False,
             lists_photos: bool = False) -> _Parser:
    """A subcommand whose --help starts by saying what it does, as the list of commands does."""
    parser = sub.add_parser(name, help=about, description=about[0].upper() + about[1:] + ".", takes_words=takes_words,
                            lists_photos=lists_photos)
    _global_options(parser, after_command=True)
    return parser


def _global_options(parser: argparse.ArgumentParser, after_command: bool = False) -> None:
    """The options of every command, taken before the command or after it (`photoclip search red
    -v`). After it they are left out of the command's help (photoclip --help lists them), and
    unset unless given, so as not to undo the same option given before the command."""
    hidden = {"default": argparse.SUPPRESS, "help": argparse.SUPPRESS} if after_command else {}

    def option(*names: str, **settings: Any) -> None:
        parser.add_argument(*names, **settings | hidden)

    option("--library", metavar="DIR", help=f"library folder (default: $PHOTOCLIP_LIBRARY, else "
                                            f"{_home_relative(config.user_library_dir())})")
    option("--model", metavar="NAME", help="model, e.g. ViT-B-32-256:datacomp_s34b_b86k or photoclip-tiny")
    option("--model-file", metavar="PATH", help="local weights file for --model (works offline)")
    option("--device", metavar="DEV", help="auto (default), cpu, cuda or mps")
    option("-v", "--verbose", action="store_true", help="log what happens")


def _limit_option(parser: _Parser, default: int | None, what: str) -> None:
    parser.add_number("-n", "--limit", kind=int, fits=lambda n: n >= 1, default=default, help=what,
                      error="-n must be a positive number of results, like -n 20")


def _json_option(parser: argparse.ArgumentParser, what: str = "print JSON") -> None:
    """--json for a command that prints file names."""
    parser.add_argument("--json", action="store_true",
                        help=f"{what}; a file name that is not UTF-8 has \\udcXX escapes for its odd bytes")


def _words(text: str) -> str:
    """A tag or a prompt as the letters typed: in an ASCII ("C") locale Python hands over an
    argument's UTF-8 bytes as escapes ("Gr\\udcc3\\udcb6e"), which no tag may hold."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        raise argparse.ArgumentTypeError(f"{ascii(text)} is not UTF-8 text; type it in a UTF-8 terminal") from None


def build_parser() -> _Parser:
    parser = _Parser(
        prog="photoclip", description="Find your photos by describing them. Everything stays on this machine."
    )
    parser.add_argument("--version", action="version", version=f"photoclip {__version__}")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = sub.choices

    p = _command(sub, "index", "add folders and index their photos")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders to add (default: every folder of the library)")
    _json_option(p, "print a JSON summary")

    p = _command(sub, "search", "find photos by text, file name, date or place; terms can be joined with + and -",
                 takes_words=True, lists_photos=True)
    p.add_argument("query", nargs="+", help='e.g. "kids at the lake last summer" or "beach + sunset - people" '
                   '(a term may be weighed: "2:beach"); date words keep to the photos of that time')
    _limit_option(p, 20, "how many results (default 20)")
    _json_option(p, "print JSON with scores")
    p.add_argument("--scores", action="store_true", help="print the score before each path")
    _sort_option(p)
    _null_option(p)
    p.add_argument("--tag", type=_words, action="append",
                   help="only photos that carry this tag (given again: that carry all of them)")
    p.add_argument("--in", dest="within", metavar="FOLDER", action="append",
                   help="only photos in FOLDER and its subfolders (e.g. --in . for the current folder; given again: "
                        "in any of them)")
    p.add_argument("--copy-to", metavar="FOLDER", help="also copy the photos found into FOLDER (made if missing)")
    _all_copies_option(p)

    p = _command(sub, "similar", "find photos that look like an image (or like several together), never it nor "
                                 "files of the same bytes (a resized or edited copy is listed); to keep to a folder, a "
                                 "tag or dates: search IMAGE --in FOLDER (or --tag TAG, or with date words), which "
                                 "lists the image and those files too", lists_photos=True)
    p.add_argument("image", nargs="+", help="an image file (in the library or not), the http(s) URL of one, or - "
                   "for an image on standard input; several: photos like all of them together")
    _limit_option(p, 20, "how many results (default 20)")
    _json_option(p, "print JSON with scores")
    p.add_argument("--scores", action="store_true", help="print the score before each path")
    _sort_option(p)
    _all_copies_option(p)
    _null_option(p)

    p = _command(sub, "status", "counts of indexed, pending and failed photos; which failed and why, "
                                "which are damaged")
    _json_option(p)

    p = _command(sub, "remove", "stop watching a folder, or leave out one inside it (its files are not "
                 "touched; `index FOLDER` brings it back)")
    p.add_argument("path", help="a folder of the library, or a folder inside one to leave out")

    p = _command(sub, "watch", "keep the library up to date: watch its folders, index new photos (Ctrl-C stops)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders to add first")

    p = _command(sub, "duplicates", "list copies of the same photo (and move the extra ones to the trash)")
    p.add_number("--similarity", kind=float, fits=lambda s: LEAST_SIMILARITY <= s <= 1, default=DEFAULT_SIMILARITY,
                 metavar="S", help=f"how alike two photos must be, from {LEAST_SIMILARITY:g} to 1 (default "
                                   f"{DEFAULT_SIMILARITY}: copies; 0.97 also edited, black-and-white, mirrored and "
                                   "turned copies, and crops)",
                 error=f"--similarity must be from {LEAST_SIMILARITY:g} to 1 (lower groups different photos of one "
                       "subject), like --similarity 0.97")
    p.add_argument("--exact", action="store_true", help="only files with the very same bytes")
    _json_option(p)
    p.add_argument("-0", "--null", action="store_true",
                   help="end each line with a NUL instead of a newline (a file name may hold one); an empty one "
                        "between groups")
    p.add_argument("--trash", action="store_true",
                   help="move every copy but those kept (the best one, and the only copy in each album folder) to "
                        "the system trash")
    p.add_argument("--yes", action="store_true", help="with --trash: do not ask first")

    p = _command(sub, "not-duplicates", "mark photos as different, so they are never grouped again")
    p.add_argument("paths", nargs="+", metavar="PATH", help="photos of the library")
    p.add_argument("--undo", action="store_true", help="they may be grouped as duplicates again")

    p = _command(sub, "tags", "list the library's tags (or one photo's) with how many photos carry each")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--photo", metavar="PATH", help="the tags of this photo, with where each came from")
    shown.add_argument("--defined", action="store_true", help="the tags you defined, with their prompts")
    vocabulary = p.add_mutually_exclusive_group()
    vocabulary.add_argument("--vocabulary", metavar="FILE", help="tag with your own vocabulary file from now on")
    vocabulary.add_argument("--default-vocabulary", action="store_true", help="go back to photoclip's vocabulary")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = _command(sub, "tagged", "photos that carry a tag, surest first")
    p.add_argument("tag", metavar="TAG", type=_words, help="a tag, in any case (`photoclip tags` lists them)")
    _limit_option(p, None, "at most this many (default: all)")
    _json_option(p)
    _null_option(p)

    p = _command(sub, "tag", "tag photos by hand (auto-tagging never takes it away)")
    p.add_argument("tag", metavar="TAG", type=_words, help='the tag, e.g. "grandma rose"')
    p.add_argument("paths", nargs="+", metavar="PATH", help="photos of the library")

    p = _command(sub, "untag", "take a tag off photos (auto-tagging does not give it back)")
    p.add_argument("tag", metavar="TAG", type=_words, help="the tag to take off")
    p.add_argument("paths", nargs="+", metavar="PATH", help="photos of the library")

    p = _command(sub, "define-tag", "a tag of your own that photoclip gives to matching photos")
    p.add_argument("tag", metavar="TAG", type=_words, help="the tag's name")
    p.add_argument("--prompt", type=_words,
                   help='what it looks like, e.g. "a wooden cabin by a lake" (default: "a photo of TAG.")')

    p = _command(sub, "forget-tag", "stop giving a tag you defined (photos you tagged by hand keep it)")
    p.add_argument("tag", metavar="TAG", type=_words, help="a tag you defined (`photoclip tags --defined`)")

    p = _command(sub, "rename-tag", "rename a tag you gave or defined, on every photo that has it")
    p.add_argument("tag", metavar="TAG", type=_words, help="the tag as it is now")
    p.add_argument("new_name", metavar="NEW", type=_words, help="its new name (or the same in another case)")

    p = _command(sub, "delete-tag", "take a tag you gave or defined off every photo, and stop giving one you "
                                    "defined (the photos stay)")
    p.add_argument("tag", metavar="TAG", type=_words, help="the tag to delete")

    p = _command(sub, "export-tags",
                 "write tags to XMP sidecars beside the photos (for digiKam, darktable, Lightroom)")
    p.add_argument("folders", nargs="*", metavar="FOLDER", help="only photos under these folders (default: all)")
    p.add_argument("--mine", action="store_true", help="only the tags you gave, not the automatic ones")

    p = _command(sub, "albums", "each folder of photos with the tags a third or more of its photos share")
    p.add_number("--min-photos", kind=int, fits=lambda n: n >= 1, default=3, metavar="N",
                 help="folders with at least N photos (default 3)",
                 error="--min-photos must be a whole number from 1 up, like --min-photos 3")
    _json_option(p)

    p = _command(sub, "places", "the countries your photos were taken in (from their GPS), most photos first")
    p.add_argument("--json", action="store_true", help="print JSON")

    _command(sub, "models", "list the model names you can use with --model").add_argument(
        "--json", action="store_true", help="print JSON")
    return parser


def _open(args: argparse.Namespace, write: bool, adding: Sequence[str] | None = None) -> Library:
    """The library; a command that changes it waits a while for another photoclip (a search
    reading it holds it as a writer would) instead of failing the moment both start. Only a
    command `adding` folders makes a new library, so a mistyped --library is an error, not a
    library made there; and only once those folders are found to be there."""
    directory = _library_dir(args)
    if directory.is_file():
        if directory.name == CATALOG_FILE:
            raise LibraryError(f"{directory} is the library's catalog; name its folder: --library "
                               f"{_quoted(str(directory.parent))}")
        raise LibraryError(f"{directory} is a file, not a library folder; name a folder for the library (a new one, "
                           "or one photoclip made)")
    _require_folders(adding or ())
    if not (directory / CATALOG_FILE).exists():
        if adding is None:
            raise LibraryError(f"no library at {directory} (index a folder first: {_photoclip(args)} index FOLDER)")
        if not adding:
            raise LibraryError(f"this library has no folders yet; give one: {_photoclip(args)} {args.command} FOLDER")
        _refuse_a_folder_of_photos(directory, adding)
    started, waiting, asked = time.monotonic(), False, False
    while True:
        try:
            library = Library.open(
                args.library, model=args.model, model_file=args.model_file, device=args.device,
                allow_read_only_fallback=not write, choose_model=adding is not None,
            )
            if write and not library.read_only:
                library.tag_as_asked()  # asked of a `watch` that stopped first: before what is asked now
            if library.model_not_chosen:
                print(f"this library's photos are indexed with {library.model_spec.label}, which {args.command} "
                      f"uses; to index them with {library.model_not_chosen}: {_photoclip(args)} --model "
                      f"{_quoted(library.model_not_chosen)} index", file=sys.stderr)
            return library
        except LibraryLockedError as exc:
            if isinstance(exc, LibraryNotWritableError) or time.monotonic() - started > LOCK_WAIT_S:
                raise
            if not asked:  # `watch` or the app lets go only when it is closed: no use waiting for it
                asked = True
                _refuse_a_lasting_holder(args, directory)
            if not waiting and time.monotonic() - started > 0.5:
                print(f"waiting for another photoclip using the library (pid {_lock_holder(args)})…", file=sys.stderr)
                waiting = True
            time.sleep(0.1)


def _hand_to_watch(args: argparse.Namespace, pid: str) -> int:
    """`index FOLDER` while `photoclip watch` holds the library: watch adds the folders itself."""
    folders = [expanded(path).absolute() for path in args.paths]
    ask_to_add(_library_dir(args), folders)
    if args.json:
        print(json.dumps({"handed_to_watch": int(pid), "folders": [str(folder) for folder in folders]}, indent=2))
    named = ", ".join(one_line(folder, sys.stderr) for folder in folders)
    print(on_terminal(f"`photoclip watch` (pid {pid}) keeps this library up to date: it adds {named} and indexes "
                      f"{'them' if len(folders) > 1 else 'it'} in a few seconds; `photoclip status` shows how far it "
                      "is", sys.stderr),
          file=sys.stderr)
    return 0


def _library_dir(args: argparse.Namespace) -> Path:
    """The folder Library.open opens for these arguments."""
    return expanded(args.library) if args.library else config.default_library_dir()


def _photoclip(args: argparse.Namespace) -> str:
    """The command line that names the same library, to show in advice."""
    return f"photoclip --library {_quoted(args.library)}" if args.library else "photoclip"


def _refuse_a_folder_of_photos(directory: Path, adding: Sequence[str]) -> None:
    """--library names where photoclip keeps its own files; `--library ~/Pictures index
    ~/Pictures` would put them among the photos."""
    inside = (as_cataloged(expanded(folder)) for folder in adding)
    try:
        photos = any(folder.is_relative_to(as_cataloged(directory)) for folder in inside) or any(
            entry.is_file() and Path(entry.name).suffix.lower() in IMAGE_SUFFIXES for entry in os.scandir(directory))
    except OSError:  # not there yet, or not readable (which Library.open reports)
        return
    if photos:
        raise LibraryError(f"{directory} holds photos, not a library: --library is the folder where photoclip keeps "
                           "its own files; give a new or empty one")


def _refuse_a_lasting_holder(args: argparse.Namespace, directory: Path) -> None:
    """Refuse at once when the library is held by `photoclip watch` or the app, which hold it
    until they are closed; another command (a search) is done in a moment, so it is waited for."""
    pid = _lock_holder(args)
    kind = _holder_kind(pid)
    if kind == "watch":
        raise _KeptByWatch(pid, f"library {directory} is kept up to date by `photoclip watch` (pid {pid}); stop it "
                                "(Ctrl-C where it runs) to change the library, then start it again")
    if kind == "app":
        raise LibraryLockedError(f"library {directory} is open in the photoclip app (pid {pid}); do this in the app, "
                                 "or close the app first")


class _KeptByWatch(LibraryLockedError):
    """`photoclip watch` holds the library, the process `pid`."""

    def __init__(self, pid: str, message: str) -> None:
        super().__init__(message)
        self.pid = pid


def _holder_kind(pid: str) -> str | None:
    """What the process `pid` is, where the system says (Linux's /proc): "watch" for `photoclip
    watch`, "app" for photoclip's window, None for any other command or when it cannot tell."""
    try:
        words = [os.fsdecode(w) for w in Path(f"/proc/{int(pid)}/cmdline").read_bytes().split(b"\0") if w]
    except (OSError, ValueError):
        return None
    names = [os.path.basename(word) for word in words]
    if any(name.startswith("photoclip-gui") for name in names) or "photoclip.gui" in words:
        return "app"
    for at, (word, name) in enumerate(zip(words, names)):
        run_as_script = name in ("photoclip", "photoclip.exe", "__main__.py") and "photoclip" in word
        if run_as_script or (word == "photoclip" and at and words[at - 1] == "-m"):
            return "watch" if _command_word(words[at + 1:]) == "watch" else None
    return None


def _command_word(words: Sequence[str]) -> str | None:
    """The command of photoclip's arguments: the first word that is no option nor an option's value."""
    options = build_parser()._option_string_actions
    given = iter(words)
    for word in given:
        if not word.startswith("-"):
            return word
        action = options.get(word.split("=")[0])
        if action is not None and action.nargs != 0 and "=" not in word:
            next(given, None)
    return None


def _lock_holder(args: argparse.Namespace) -> str:
    return LibraryLock(_library_dir(args)).holder()


def _tags_and(library: Library, tags: Sequence[str]) -> str:
    """The tags a search named, as the user spells them: "sarah and beach"."""
    return " and ".join(_tag(library.shown_tag(t)) for t in tags)


def _on_disk(library: Library, find: Callable[[int], list[SearchHit]], limit: int) -> tuple[list[SearchHit], int]:
    """The hits of `find(n)` (the best n) whose files are still where the library last saw them,
    asking for more where some were deleted or moved since indexing: -n 10 lists 10 photos while
    10 are left; and how many of those that would have been listed are left out (_say_gone)."""
    asked = limit
    for _ in range(_ASKED_AGAIN):
        hits = find(asked)
        gone = library.deleted(hit.path for hit in hits)
        if len(hits) - len(gone) >= limit or len(hits) < asked:
            break
        asked *= 2
    kept = [hit for hit in hits if hit.path not in gone]
    if len(hits) > asked or len(kept) <= limit:  # more than asked: all are listed by date, then cut (_print_hits)
        return kept, len(gone)
    last = hits.index(kept[limit - 1])
    return kept[:limit], sum(1 for hit in hits[:last] if hit.path in gone)


_ASKED_AGAIN = 6  # times a search asks for twice as many where photos found were deleted since indexing


def _gone(library: Library, paths: Sequence[Path]) -> set[Path]:
    """Which of the photos found were deleted or moved since indexing (their folder is there,
    they are not), said once (_say_gone). A photo on a drive that is not plugged in stays: `status`
    says why."""
    gone = library.deleted(paths)
    _say_gone(len(gone))
    return gone


def _say_gone(count: int) -> None:
    """That `count` photos found were left out, deleted or moved since indexing, on stderr: they
    are not printed for a pipe to stumble on."""
    if count:
        print(f"left out {plural(count, 'photo')} deleted or moved since indexing (`photoclip index` catches up)",
              file=sys.stderr)


def _print_hits(hits: list[SearchHit], args: argparse.Namespace, library: Library) -> None:
    """The photos found, best first or, with --sort, by the date they were taken."""
    if args.sort != "score":
        order = library.newest_first([h.photo_id for h in hits])
        by_id = {h.photo_id: h for h in hits}
        hits = [by_id[pid] for pid in (order if args.sort == "newest" else reversed(order))][:args.limit]
    if args.json:
        photos = library.photos(h.photo_id for h in hits)
        print(json.dumps([{"path": str(h.path), "score": round(h.score, 4), "id": h.photo_id,
                           "first_because": h.first_because,
                           "taken_at": photos[h.photo_id].taken_at if h.photo_id in photos else None,
                           "taken_until": photos[h.photo_id].taken_until if h.photo_id in photos else None,
                           "file_date": file_date(photos[h.photo_id]) if h.photo_id in photos else None,
                           "copies": [str(path) for path in h.copies]}
                          for h in hits], indent=2))
        return
    _print_paths(args, (f"{hit.score:.3f}\t{hit.path}" if args.scores else str(hit.path) for hit in hits))


def _all_copies_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all-copies", action="store_true",
                        help="list each copy of a photo found (by default, files with the same bytes are one result: "
                             "the file duplicates would keep)")


def _sort_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sort", choices=("score", "newest", "oldest"), default="score",
                        help="the photos found, best match first (default), or by the date they were taken")


def _null_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-0", "--null", action="store_true",
                        help="end each path with a NUL instead of a newline, for xargs -0 (a file name may hold one)")


def _print_paths(args: argparse.Namespace, lines: Iterable[str]) -> None:
    for line in lines:
        print(line if args.null else one_line(line, sys.stdout), end="\0" if args.null else "\n")


def _require_folders(paths: Sequence[str]) -> None:
    """Folders to index or watch must be there before anything is done: a typo must not make a
    library, nor leave `watch` watching nothing."""
    for path in paths:
        folder = expanded(path)
        try:
            is_folder = folder.is_dir()
        except OSError as exc:
            if not drive_gone(exc):
                raise
            continue  # a card pulled out under its mount: Library.add_root says it is offline, or to plug it in
        if not is_folder:
            if (broken := broken_link(folder)) is not None:
                raise LibraryError(f"cannot open {path}: it is {broken}")
            raise LibraryError(f"there is no folder {path}; check the name" if not os.path.lexists(folder)
                               else f"{path} is not a folder; give the folder that holds your photos")


def _quit_now() -> NoReturn:
    """A second Ctrl-C: out at once, with no traceback from wherever the main thread was (a
    generator's clean-up, torch's exit hooks). Nothing is lost: each batch is committed whole and
    the index file replaced whole, so the library is as after the last batch (tests/test_crash)."""
    sys.stderr.write("\nphotoclip: interrupted\n")
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def cmd_index(args: argparse.Namespace) -> int:
    started = time.monotonic()
    bar = ProgressBar()
    cancel = threading.Event()
    stopped_by: list[int] = []
    previous = signal.getsignal(signal.SIGINT)

    def interrupt(signum, frame):  # noqa: ARG001
        if cancel.is_set():
            _quit_now()
        cancel.set()
        stopped_by.append(signum)
        again = " (Ctrl-C again to quit now)" if signum == signal.SIGINT else ""
        bar.finish()
        sys.stderr.write(f"stopping after the current batch{again}\n")

    previous_term = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)  # a logout or `kill`: stop as cleanly as Ctrl-C does
    try:
        try:
            opened = _open(args, write=True, adding=args.paths)
        except _KeptByWatch as exc:
            if not args.paths:
                raise
            return _hand_to_watch(args, exc.pid)
        with opened as library:
            if not args.paths and not library.roots():
                raise LibraryError(f"this library has no folders yet; give one: {_photoclip(args)} index FOLDER")
            _say_folders_inside(library, args.paths)
            report = library.index(
                args.paths or None, progress=bar.indexing, cancel=cancel, download_progress=bar.download
            )
            status = library.status()
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        bar.finish()
    took = time.monotonic() - started  # the model's loading and the folders' scan too
    summary = {
        "indexed": report.embedded + report.reused, "embedded": report.embedded, "reused": report.reused,
        "failed": report.failed, "seconds": round(took, 2), "cancelled": report.cancelled,
        "library_total": status.counts.total, "library_failed": status.counts.failed,
        "moved": report.moved, "removed": report.removed, "left_out": report.left_out,
        "offline": [str(path) for path in report.offline],
        "keywords": report.keywords, "videos": status.videos,
        "images_left_out": _by_format(status.images_left_out),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        done = report.embedded + report.reused + report.failed
        rate = ""
        if report.seconds > 0 and report.embedded:  # none embedded (all failed, or vectors reused): no rate to tell
            rate = f" ({done / report.seconds:.1f} photos/s while embedding)"
        print(f"indexed {plural(summary['indexed'], 'photo')}, {report.failed} failed, in {took:.1f}s{rate}",
              file=sys.stderr)
        if report.failed:
            print("see `photoclip status` for the files that failed and why", file=sys.stderr)
        if not status.counts.total:
            print("no photos were found: photoclip reads JPEG, PNG, HEIC, AVIF, WebP, TIFF, GIF, BMP, JPEG XL and "
                  "camera raw files, and skips hidden folders", file=sys.stderr)
        for line in left_out_said(status.videos, status.images_left_out):
            print(line, file=sys.stderr)
        found = [f"{plural(report.moved, 'photo')} moved (tags kept)" if report.moved else "",
                 f"{plural(deleted, 'photo')} deleted" if (deleted := report.removed - report.left_out) else ""]
        if any(found):
            print(f"found {' and '.join(filter(None, found))} since the last scan", file=sys.stderr)
        if report.left_out:
            print(f"{plural(report.left_out, 'photo')} no longer indexed, the files untouched: the settings leave them "
                  "out now (or a JPEG beside a raw stands for it, or they are in a Google Takeout's trash or a "
                  "program's folder: see the README's \"What is not indexed\")",
                  file=sys.stderr)
        if report.keywords:
            print(f"{plural(report.keywords, 'tag')} came or went with keywords other programs wrote in sidecars",
                  file=sys.stderr)
        for folder in report.offline:
            if folder_probe.silent(folder):
                print(f"{folder} does not answer (a share whose server is away?): its photos are kept, shown as "
                      "offline", file=sys.stderr)
            elif looks_deleted(folder):
                print(f"{folder} is not found (deleted, moved or renamed?): its photos are kept until you remove it "
                      f"({_photoclip(args)} remove {_quoted(str(folder))})", file=sys.stderr)
            else:
                print(f"{folder} is not there (an unplugged drive?): its photos are kept, shown as offline",
                      file=sys.stderr)
    if report.cancelled:
        print("photoclip: indexing stopped; run `photoclip index` again to continue", file=sys.stderr)
        return EXIT_TERMINATED if stopped_by[:1] == [signal.SIGTERM] else EXIT_INTERRUPTED
    return 0


def _say_folders_inside(library: Library, paths: Sequence[str]) -> None:
    """`index Pictures/2019` where Pictures is a folder of the library means "look at it again":
    say which folder of the library is scanned for it (one left out before is simply back)."""
    roots = library.roots()
    for path in paths:
        folder = expanded(path)
        if not os.path.isdir(folder):  # os.path: pathlib raises where a card was pulled out under its mount
            continue
        folder = folder.resolve()
        holder = next((root for root in roots if root.path in folder.parents), None)
        patterns = {config.folder_pattern(p) for p in (folder, *folder.parents)}
        if holder is not None and not patterns & set(library.settings.exclude_patterns):
            print(f"{path} is in the library's folder {holder.path}: scanning that again", file=sys.stderr)


def cmd_search(args: argparse.Namespace) -> int:
    if args.copy_to and expanded(args.copy_to).is_file():
        raise QueryError(f"{args.copy_to} is a file, not a folder; give a folder to copy the photos into")
    with _open(args, write=False) as library:
        status = _require_indexed(library)
        query = _query_of(args.query)
        for folder in args.within or ():
            _require_folder_there(library, folder)
        tags = [_the_tag_meant(library, given) for given in args.tag or ()]
        for tag, given in zip(tags, args.tag or ()):
            if tag != given:
                print(f"photos tagged {_tag(library.shown_tag(tag))}", file=sys.stderr)
        scopes = []

        def find(limit: int) -> list[SearchHit]:
            hits, scope = library.search_scoped(query, limit=limit, tag=tags, folder=args.within,
                                                all_copies=args.all_copies,
                                                listed=sys.maxsize if args.sort == "oldest" else None)
            scopes.append(scope)
            return hits

        hits, gone = _on_disk(library, find, args.limit)
        scope = scopes[-1]
        missing = missing_image(query)
        if missing is not None and (scope is None or scope.file_name is None):
            if not bare_name(query, missing):
                raise no_photo_at(missing)
            failed = library.failed_named(missing)
            if failed:
                path, reason = failed[0]
                raise QueryError(f"{path} is in the library but could not be indexed, so no search finds it: {reason}")
            if args.json:
                print("[]")
            print(f"no photo is named {missing}", file=sys.stderr)
            return EXIT_NOTHING_FOUND
        _say_gone(gone)
        by_name = scope is not None and scope.file_name is not None  # what the model read of a file name is no matter
        if not status.searching_with and not (scope is not None and scope.only_scope) and not by_name:
            _say_words_unread(library, query)
        first = scope is not None and args.sort == "score"  # by date, no photo is listed first for its words
        dated_tag = scope is not None and tagged_before_period(scope.period, scope.tags)
        if scope is not None and scope.period is not None:
            tagged = f"photos tagged {_tags_and(library, scope.tags)}{' first, then' if first else ' and'} "
            print(f"{tagged if dated_tag else ''}photos taken {scope.period.describe()} ({scope.period.said})",
                  file=sys.stderr)  # "2019" with a tag "2019": its photos, then the year's
        if scope is not None and scope.place is not None:
            taken = "not taken" if scope.place.left_out else "taken"
            print(f"photos {taken} in {scope.place.shown} ({scope.place.words})", file=sys.stderr)
        if first and scope.tags and not dated_tag:
            print(f"photos tagged {_tags_and(library, scope.tags)} first", file=sys.stderr)
        if scope is not None and scope.left_out_tags:
            print(f"photos tagged {' or '.join(_tag(library.shown_tag(t)) for t in scope.left_out_tags)} left out",
                  file=sys.stderr)
        if first and scope.caption_words:
            print(f"photos whose caption says {' '.join(scope.caption_words)} first", file=sys.stderr)
        if first and scope.albums:
            print(f"photos in {_album_names(scope.albums)} first", file=sys.stderr)
        if first and scope.place_first is not None:
            print(f"photos taken in {scope.place_first.shown} first", file=sys.stderr)
        if scope is not None and scope.left_out_albums:
            print(f"photos in {_album_names(scope.left_out_albums)} left out", file=sys.stderr)
        if first and scope.file_name and hits and hits[0].score == 1.0:  # not all deleted since
            named = "named" if scope.whole_name else "whose name starts with"
            print(f"photos {named} {_tag(scope.file_name)} first", file=sys.stderr)
        copied = _copied(library, hits, args.copy_to) if hits and args.copy_to else True  # before a closed stdout fails
        _print_hits(hits, args, library)
        if not hits:  # as grep: a script can tell from the exit code
            untagged = next((tag for tag in tags if not library.tagged(tag, limit=1)), None)
            print(_no_photo_tagged(library, untagged) if untagged else _no_match(library, args.within or ()),
                  file=sys.stderr)
            return EXIT_NOTHING_FOUND
    return 0 if copied else EXIT_ERROR


def _copied(library: Library, hits: Sequence[SearchHit], folder: str) -> bool:
    """Copy the photos found into `folder` (search --copy-to) and say how it went; False where some failed."""
    report = library.copy_to([h.photo_id for h in hits], folder)
    there = f" ({len(report.already)} there already)" if report.already else ""
    print(f"copied {plural(len(report.copied), 'photo')} to {folder}{there}", file=sys.stderr)
    destination = as_cataloged(expanded(folder))
    if report.copied and any(iter_roots_containing(library.roots(), destination)):
        print(f"{folder} is in a folder of the library: the copies will be indexed too, and listed by "
              "`photoclip duplicates`", file=sys.stderr)
    for path, reason in report.failed:
        print(f"photoclip: not copied: {path}: {reason}", file=sys.stderr)
    return not report.failed


def _require_indexed(library: Library) -> LibraryStatus:
    """The library's status, where some photo is indexed. A search or similar on a library with none is
    an error that says why (_nothing_indexed), not "no photos match"; as every error, it prints nothing
    on stdout, --json or not."""
    status = library.status()
    if status.counts.indexed == 0 and not status.searching_with:
        _nothing_indexed(library, status.counts.pending)
    return status


def _nothing_indexed(library: Library, pending: int) -> NoReturn:
    """Why a search cannot answer yet. A library that opened read-only for another photoclip
    holding it has that one writing it: `index` or `watch`, at work on the photos pending."""
    if not pending:
        raise LibraryError("the library has no indexed photos yet; run `photoclip index FOLDER` first")
    photos = f"none of the library's {plural(pending, 'photo')} is indexed yet"
    raise LibraryError(f"{photos}{_how_to_index(library)}")


def _how_to_index(library: Library) -> str:
    """The end of a line saying photos are not indexed yet: what to do, or to wait for the photoclip indexing them."""
    if library.read_only and not library.unwritable:
        return ": another photoclip is indexing them; try again in a moment (`photoclip status` shows how far it got)"
    return "; run `photoclip index` to index them"


def _no_match(library: Library, folders: Sequence[str]) -> str:
    """Why a search found nothing, where --in named a folder the library leaves out, or one whose photos
    are not indexed yet (added to a folder of the library since the last `index`): else the plain
    "no photos match"."""
    for folder in folders:
        path = library.as_cataloged(on_disk(expanded(folder)))
        why = left_out(library.roots(), path, library.settings.exclude_patterns)
        if why is not None:
            return f"no photos match: {_left_out_because(folder, why)}"
    waiting = next((folder for folder in folders if _holds_photos_not_indexed(library, folder)), None)
    if waiting is None:
        return "no photos match"
    return f"no photos match: {waiting} holds photos not indexed yet{_how_to_index(library)}"


def _left_out_because(folder: str, why: LeftOut) -> str:
    if why.pattern is None:
        return f"photoclip does not index {folder}, a hidden folder or a program's (they hold no photos of yours)"
    if why.folder is None:
        return (f"{folder} is left out of the library by the pattern {config.shown_pattern(why.pattern)} "
                "(`photoclip status` lists the patterns; the app's Settings take one off)")
    return f"{folder} is left out of the library; `photoclip index {why.folder}` brings it back"


def _holds_photos_not_indexed(library: Library, folder: str) -> bool:
    """Whether a folder of the library (--in), one it does not leave out, holds photos that `index`
    would index: not in the catalog, or pending. Looked at only when a search in it found nothing."""
    path = library.as_cataloged(on_disk(expanded(folder)))
    if not any(iter_roots_containing(library.roots(), path)):
        return False
    return any((photo := library.photo_at(entry.path)) is None or photo.status == "pending"
               for entry in walk(path, library.settings.exclude_patterns).files)


def _say_words_unread(library: Library, query: str) -> None:
    """That the model read only the first words of a text term too long for it (77 tokens for most CLIPs,
    24 for photoclip-tiny), on stderr: its tokenizer cuts the rest off without a word. The words are
    those left once the query's dates are taken out, as the library embeds them."""
    terms, _ = take_period([term for term in parse_query(query) if term.text is not None and term.sign > 0])
    if not terms or not library.prepare_search():  # only by loading the whole model, which the search did not need
        return
    tokenizer = library.text_encoder().tokenizer
    if not isinstance(tokenizer, ClipTokenizer):  # a Hugging Face tokenizer: its own rules
        return
    for term in terms:
        words = (term.text or "").split()
        read = _words_read(tokenizer, words)
        if read < len(words):
            left_out = " ".join(words[read:])
            shown = left_out if len(left_out) <= 60 else f"{left_out[:59]}…"
            most = f"the model reads at most {tokenizer.context_length} tokens"
            if read == 0:
                print(f"only the start of the search's first word was read ({most}): {shown}", file=sys.stderr)
            else:
                print(f"only the first {plural(read, 'word')} of the search {'was' if read == 1 else 'were'} read "
                      f"({most}); left out: {shown}", file=sys.stderr)
            return


def _words_read(tokenizer: ClipTokenizer, words: Sequence[str]) -> int:
    """How many of `words` the tokenizer keeps whole: it keeps context_length tokens, with start and end."""
    room, used = tokenizer.context_length - 2, 0
    for count, word in enumerate(words):
        used += len(tokenizer.encode(word))
        if used > room:
            return count
    return len(words)


def _require_folder_there(library: Library, folder: str) -> None:
    """`--in` a folder that is not there, in a folder of the library on a drive that is (a typo), is
    an error, not a folder without photos; on a drive unplugged, its photos are still listed, and so
    they are on a share that does not answer (folder_probe), which is not waited for."""
    path = library.folder_named(folder)
    if folder_probe.silent(path):
        return
    if not os.path.lexists(path) and any(root.path.is_dir() for root in iter_roots_containing(library.roots(), path)):
        raise QueryError(f"there is no folder {folder}; check the name")


def _query_of(words: Sequence[str]) -> str:
    """The words given as one query. An image file or address among other words (`search beach.jpg 2019`,
    as the shell splits it) is a term of its own, as "beach.jpg + 2019" writes it: joined by
    spaces, its path was searched as words. A folder alone is refused, saying how to search in it."""
    if len(words) == 1 and typed_folder(words[0]) is not None:
        raise QueryError(f"{words[0]} is a folder; to search in it, say what to look for and add "
                         f"--in {_quoted(words[0])}")
    if len(words) < 2 or any(word in ("+", "-") for word in words):
        return " ".join(words)
    parts: list[str] = []
    text: list[str] = []
    for word in words:
        path = expanded(word)
        if is_image_url(word) or (path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()):
            parts += [" ".join(text)] if text else []
            parts.append(word)
            text = []
        else:
            text.append(word)
    return " + ".join(parts + ([" ".join(text)] if text else []))


def cmd_similar(args: argparse.Namespace) -> int:
    if "-" in args.image:
        if sys.stdin.isatty():
            raise QueryError("- reads the image from standard input; pipe one in: photoclip similar - < photo.jpg")
        if os.name != "posix":
            raise QueryError("cannot read an image from standard input here; give the path of a photo")
        args.image = ["/dev/stdin" if image == "-" else image for image in args.image]
    with _open(args, write=False) as library:
        _require_indexed(library)
        image = args.image if len(args.image) > 1 else args.image[0]

        def similar(limit: int) -> list[SearchHit]:
            return library.similar(image, limit=limit, all_copies=args.all_copies)

        hits, gone = _on_disk(library, similar, args.limit)
        _say_gone(gone)
        _print_hits(hits, args, library)
    if not hits:  # as search: a script can tell from the exit code
        print("no photos match", file=sys.stderr)
        return EXIT_NOTHING_FOUND
    return 0


def _by_format(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts by suffix as --json gives them: {"psd": 16}."""
    return {suffix.lstrip("."): count for suffix, count in counts.items()}


def cmd_status(args: argparse.Namespace) -> int:
    with _open(args, write=False) as library:
        st = library.status()
    if args.json:
        print(json.dumps({
            "library": str(library.directory), "model": st.model, "searching_with": st.searching_with,
            "untried_model": st.untried,
            "total": st.counts.total, "indexed": st.counts.indexed,
            "pending": st.counts.pending, "failed": st.counts.failed,
            "folders": [{"path": str(r.path), "online": r.online} for r in st.roots],
            "left_out": list(library.settings.exclude_patterns),
            "failures": [{"path": str(p), "reason": r} for p, r in st.failures],
            "damaged": [{"path": str(p), "damage": d} for p, d in st.damaged],
            "unreadable": [{"path": str(p), "reason": r} for p, r in st.unreadable],
            "videos": st.videos, "images_left_out": _by_format(st.images_left_out),
        }, indent=2))
        return 0
    print(f"library: {library.directory}")
    print(f"model:   {st.model}")
    if st.untried:  # --model naming one whose weights are not here: it is not the library's until they are
        print(f"asked:   {st.untried}, not used until it is downloaded: its weights are not on this machine "
              "(`index` with it while online, or give them with --model-file)")
    if st.searching_with:
        print(f"search:  {st.searching_with}, until every photo has a vector from the new model")
    print(f"photos:  {st.counts.total} ({st.counts.indexed} indexed, {st.counts.pending} pending, "
          f"{st.counts.failed} failed)")
    if st.videos:
        print(f"videos:  {st.videos} left out (photoclip indexes photos only)")
    if st.images_left_out:
        print(f"images:  {images_left_out_said(st.images_left_out)}")
    for root in st.roots:
        gone = "" if root.online else "  (not found: deleted, moved or renamed?)" if root.gone else \
            "  (offline: not answering; a share whose server is away?)" if root.silent else "  (offline)"
        print(f"folder:  {one_line(root.path, sys.stdout)}{gone}")
    for pattern in library.settings.exclude_patterns:
        print(f"left out: {config.shown_pattern(pattern)}")
    if st.failures:
        print("failed:")
        for path, reason in st.failures:
            print(f"  {one_line(path, sys.stdout)}: {reason}")
    if st.damaged:
        print("damaged (indexed as far as they go; restore them from a backup if you have one):")
        for path, damage in st.damaged:
            print(f"  {one_line(path, sys.stdout)}: {damage}")
    if st.unreadable:
        print("cannot read (their photos are left out until photoclip can read them):")
        for path, reason in st.unreadable:
            print(f"  {one_line(path, sys.stdout)}: {reason}")
    return 0


class WatchStatus:
    """What `watch` shows on stderr: on a terminal, a status line redrawn; elsewhere (a log file,
    a service's journal) a plain line for each thing done, as a log has. Errors are one line
    either way.

    Called on the worker's thread, for every event it sends."""

    def __init__(self, library: Library, bar: ProgressBar) -> None:
        self.library = library
        self.bar = bar
        self.folders = ""
        self._online: set[Path] = set()
        self._state = ""  # what the line says after the folders
        self._run: Progress | None = None  # indexing since the worker was last idle, for the log's line
        self._downloading = False

    def __call__(self, event: object) -> None:
        from photoclip.worker import Idle, IndexProgress, ModelDownload, PhotosChanged, RootsChanged, WorkerError

        if isinstance(event, WorkerError):
            self.bar.finish()
            print(f"photoclip: {event.message}", file=sys.stderr, flush=True)
        elif isinstance(event, IndexProgress):
            if event.paused:
                self._show("paused")
            else:
                self._run = event
                self.bar.indexing(event)
        elif isinstance(event, ModelDownload):
            if not self._downloading:
                self._downloading = True
                self._log("downloading the model" + (f" ({event.total / 1e6:.0f} MB)" if event.total else ""))
            self.bar.download(event.done, event.total)
        elif isinstance(event, PhotosChanged) and event.removed:
            self._log(f"removed {plural(len(event.removed), 'photo')} (deleted, or moved out of the library's "
                      "folders)")
        elif isinstance(event, RootsChanged):
            offline = sum(not r.online for r in event.roots)
            folders = f"watching {plural(len(event.roots), 'folder')}" + (f" ({offline} offline)" if offline else "")
            if folders + " · " != self.folders:
                self._log(folders)
            self.folders = folders + " · "
            online = {r.path for r in event.roots if r.online}
            found_more = bool(online - self._online)  # a folder added or back online is scanned
            self._online = online
            self._show("checking for changes" if found_more or not self._state else self._state)
        elif isinstance(event, Idle):
            if self._run is not None and self._run.done:
                indexed = self._run.done - self._run.failed
                self._log(f"indexed {plural(indexed, 'photo')}, {self._run.failed} failed "
                          f"({self._run.rate:.1f} photos/s)")
            self._run = None
            counts = self.library.status().counts
            self._show(f"{counts.indexed} photos indexed, up to date · Ctrl-C to stop")

    def stopping(self, by_ctrl_c: bool) -> None:
        if self._run is None:  # idle: nothing to finish first
            text = "stopping"
        else:
            text = "stopping after the current batch" + (" (Ctrl-C again to quit now)" if by_ctrl_c else "")
        self.bar.message(text)
        self._log(text)

    def _show(self, state: str) -> None:
        self._state = state
        self.bar.message(self.folders + state)

    def _log(self, line: str) -> None:
        """A line of the log written where stderr is not a terminal (the status line says it there)."""
        if not self.bar.enabled:
            print(line, file=self.bar.stream, flush=True)


def cmd_watch(args: argparse.Namespace) -> int:
    from photoclip.worker import Worker

    stop = threading.Event()
    signals: list[int] = []

    def interrupt(signum, frame):  # noqa: ARG001
        if stop.is_set():
            _quit_now()
        signals.append(signum)
        stop.set()

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    bar = ProgressBar()
    try:
        with _open(args, write=True, adding=args.paths) as library:
            if not args.paths and not library.roots():
                raise LibraryError(f"this library has no folders yet; give one: {_photoclip(args)} watch FOLDER")
            worker = Worker(library, model_at_start=False)
            status = WatchStatus(library, bar)
            worker.subscribe(status)
            for path in args.paths:
                worker.add_root(path, or_its_root=True)  # a folder inside one: that one is watched already
            worker.start()
            try:
                while not stop.wait(0.5):
                    pass
                status.stopping(by_ctrl_c=signals[:1] == [signal.SIGINT])
            finally:
                worker.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        bar.finish()
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _open(args, write=True) as library:
        forgotten = library.remove_root(args.path)
    again = ("-- " if args.path.startswith("-") else "") + shlex.quote(args.path)  # `index -x` would be an option
    print(f"forgot {plural(forgotten, 'photo')} in {args.path} (the files are untouched; "
          f"`photoclip index {again}` brings them back, with the tags you gave them)", file=sys.stderr)
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    if args.yes and not args.trash:
        print("photoclip: error: --yes answers the question --trash asks; add --trash to move the extra copies to "
              "the trash", file=sys.stderr)
        return EXIT_USAGE
    with _open(args, write=args.trash) as library:
        groups = library.duplicates(args.similarity, exact_only=args.exact)
        photos = library.photos(pid for g in groups for pid in g.members)
        extras = [photos[pid] for g in groups for pid in g.to_trash]
        if args.json:
            print(json.dumps([_group_json(g, photos) for g in groups], indent=2))
        else:
            end = "\0" if args.null else "\n"
            for number, group in enumerate(groups):
                if number:
                    print(end=end)
                keeper = photos[group.keeper]
                lines = [f"keep\t{photos[pid].path}" for pid in (group.keeper, *group.kept_too)] + [
                    f"{'same' if photos[pid].hash == keeper.hash else humanize.similarity(alike)}\t{photos[pid].path}"
                    for pid, alike in zip(group.others, group.similarities) if pid not in group.kept_too]
                _print_paths(args, lines)
        size = sum(p.size for p in extras)
        copies = plural(len(extras), "extra copy", "extra copies")
        print(f"{plural(len(groups), 'group')}, {copies}, {humanize.file_size(size)}{_kept_too(groups, photos)}",
              file=sys.stderr)
        roots = library.roots()
        silent = {root.path for root in roots if root.silent or folder_probe.silent(root.path)}
        offline = [one_line(root.path, sys.stderr) for root in roots if not root.online and root.path not in silent]
        if offline:
            print(f"the photos in {_listed(offline)} were not compared: {'they are' if len(offline) > 1 else 'it is'} "
                  "not there (a drive not connected?)", file=sys.stderr)
        if silent:
            shares = _listed([one_line(path, sys.stderr) for path in sorted(silent)])
            print(f"the photos in {shares} were not compared: {'they do' if len(silent) > 1 else 'it does'} not "
                  "answer (a share whose server is away?)", file=sys.stderr)
        if not args.trash or not extras:
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                print("photoclip: error: add --yes to move the extra copies to the trash without being asked",
                      file=sys.stderr)
                return EXIT_USAGE
            try:
                sys.stderr.write(f"Move {copies} ({humanize.file_size(size)}) to the trash? [y/N] ")  # stdout: the list
                sys.stderr.flush()
                answer = input()
            except EOFError:  # Ctrl-D, or no more input: no
                answer = ""
                print(file=sys.stderr)
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing moved", file=sys.stderr)
                return 0
        result = library.trash((p.id for p in extras),
                               kept_for={pid: (g.keeper, *g.kept_too) for g in groups for pid in g.to_trash})
    for path, reason in result.failed:
        print(f"photoclip: kept {path}: {reason}", file=sys.stderr)
    moved = plural(len(result.trashed), "file")
    print(f"moved {moved} ({humanize.file_size(result.freed_bytes)}) to the trash", file=sys.stderr)
    return EXIT_ERROR if result.failed else 0


def _kept_too(groups: Sequence[DuplicateGroup], photos: dict[PhotoId, Photo]) -> str:
    """The end of `duplicates`' summary: the copies kept unless the user lets them go (DuplicateGroup.kept_too),
    for their albums and as a sync tool's other versions, which --trash leaves where they are."""
    kept = [photos[pid].path for group in groups for pid in group.kept_too]
    versions = sum(named_a_conflict_copy(path) for path in kept)
    in_albums = len(kept) - versions
    said = f", {plural(in_albums, 'copy', 'copies')} kept in their albums" if in_albums else ""
    if versions:
        said += (f", {plural(versions, 'sync conflict copy', 'sync conflict copies')} of other bytes kept "
                 "(compare each with its photo to choose)")
    return said


def _group_json(group: DuplicateGroup, photos: dict[PhotoId, Photo]) -> dict:
    def entry(photo: Photo) -> dict:
        return {"path": str(photo.path), "id": photo.id, "bytes": photo.size,
                "width": photo.width, "height": photo.height, "taken_at": photo.taken_at,
                "taken_until": photo.taken_until, "damage": photo.damage}

    def copy(pid: PhotoId, alike: float) -> dict:
        kept = pid in group.kept_too
        return entry(photos[pid]) | {"similarity": alike, "keep": kept,
                                     "kept_because": [why_kept_too(photos[pid].path)] if kept else []}

    return {
        "keep": entry(photos[group.keeper]),
        "kept_because": why_kept(photos[group.keeper], [photos[pid] for pid in group.others]),
        "copies": [copy(pid, alike) for pid, alike in zip(group.others, group.similarities)],
        "exact": group.exact,
    }


def _photos_at(library: Library, paths: Sequence[str], undone: str = "") -> list[Photo]:
    """Each photo once, however many of the paths name it. A path that names none refuses them all;
    where several were given, the error says so in `undone` ("no photo was tagged"): the others
    were left as they were too."""
    photos: dict[PhotoId, Photo] = {}
    for path in paths:
        photo = library.photo_at(library.as_cataloged(on_disk(expanded(path))))
        if photo is None:
            said = f": {undone};" if undone and len(paths) > 1 else ";"
            if not os.path.lexists(expanded(path)):
                raise QueryError(f"there is no file {path}{said} check the name")
            if expanded(path).is_dir():
                raise QueryError(f"{path} is a folder{said} give the photos in it ({Path(path) / '*.jpg'}, for "
                                 "example)")
            if (broken := broken_link(expanded(path))) is not None:
                raise QueryError(f"cannot open {path}: it is {broken}" + (f"; {undone}" if said != ";" else ""))
            raise QueryError(f"{path} is not a photo of this library{said} `photoclip index` its folder first")
        photos.setdefault(photo.id, photo)
    return list(photos.values())


def cmd_not_duplicates(args: argparse.Namespace) -> int:
    with _open(args, write=True) as library:
        ids = [photo.id for photo in _photos_at(library, args.paths, "no photo was marked")]
        if len(ids) < 2:
            print("photoclip: error: give at least two photos", file=sys.stderr)
            return EXIT_USAGE
        if args.undo:
            undone = library.maybe_duplicates(ids)
        else:
            library.not_duplicates(ids)
    if not args.undo:
        print(f"marked {plural(len(ids), 'photo')} as not duplicates of one another", file=sys.stderr)
    elif undone:
        print(f"{plural(len(ids), 'photo')} may be grouped as duplicates again", file=sys.stderr)
    else:
        print("none of these photos were marked as not duplicates of one another", file=sys.stderr)
    return 0


def _tagging_library(args: argparse.Namespace) -> Library:
    """Open for reading tags, bringing them up to date first when no other process writes."""
    library = _open(args, write=False)
    if not library.read_only:
        library.update_tags_or_warn()
    return library


def _print_rows(args: argparse.Namespace, rows: list, lines: Iterable[str]) -> None:
    """--json prints the rows, else one line each."""
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for line in lines:
        print(line)


def cmd_tags(args: argparse.Namespace) -> int:
    if args.vocabulary or args.default_vocabulary:
        with _open(args, write=True) as library:
            library.set_vocabulary(args.vocabulary if not args.default_vocabulary else None)
    with _tagging_library(args) as library:
        spell = library.tag_spellings()
        if args.defined:
            defined = [(spell.get(t, t), p) for t, p in library.defined_tags()]
            _print_rows(args, [{"tag": t, "prompt": p} for t, p in defined], (f"{t}\t{p}" for t, p in defined))
            none = "you have defined no tags; `photoclip define-tag NAME` defines one" if not defined else None
        elif args.photo:
            [photo] = _photos_at(library, [args.photo])
            tags = [dataclasses.replace(t, name=spell.get(t.name, t.name)) for t in library.photo_tags(photo.id)]
            _print_rows(args, [{"tag": t.name, "source": t.source, "score": t.score} for t in tags],
                        (f"{t.name}\t{t.source}" + (f"\t{t.score:.2f}" if t.source == "auto" else "") for t in tags))
            none = "this photo has no tags; `photoclip tag NAME PATH` gives it one" if not tags else None
        else:
            counts = [(spell.get(t, t), n) for t, n in library.tags()]
            _print_rows(args, [{"tag": t, "photos": n} for t, n in counts], (f"{n}\t{t}" for t, n in counts))
            none = "no photo has a tag yet; `photoclip tag NAME PATH` gives one" if not counts else None
    if none and not args.json:  # said to a person; the output stays empty for a script
        print(none, file=sys.stderr)
    return 0


def cmd_tagged(args: argparse.Namespace) -> int:
    with _tagging_library(args) as library:
        tag = _the_tag_meant(library, args.tag)
        if tag != args.tag:
            print(f"photos tagged {_tag(library.shown_tag(tag))}", file=sys.stderr)

        def find(limit: int | None) -> list[SearchHit]:
            ids = library.tagged(tag, limit=limit)
            photos = library.photos(ids)
            return [SearchHit(pid, photos[pid].path, 1.0) for pid in ids if pid in photos]

        if args.limit is None:
            hits = find(None)
            gone = _gone(library, [hit.path for hit in hits])
            hits = [hit for hit in hits if hit.path not in gone]
        else:  # -n 5 lists five photos while five are there, though the surest were deleted since
            hits, left_out = _on_disk(library, find, args.limit)
            _say_gone(left_out)
        ids, paths = [hit.photo_id for hit in hits], [str(hit.path) for hit in hits]
        untagged = _no_photo_tagged(library, tag) if not paths else None
        how = _how_tagged(library, tag, ids) if args.json else {}
    if args.json:  # as search's rows, so that a script reads both alike, with how sure the tag is
        _print_rows(args, [{"path": str(hit.path), "id": hit.photo_id, **how[hit.photo_id]} for hit in hits], paths)
    else:
        _print_paths(args, paths)
    if untagged:  # as grep, and as `search --tag`: a script can tell from the exit code
        print(untagged, file=sys.stderr)
        return EXIT_NOTHING_FOUND
    return 0


def _how_tagged(library: Library, tag: str, ids: Sequence[PhotoId]) -> dict[PhotoId, dict[str, object]]:
    """Each photo's `source` of the tag ("user": given by hand or as a keyword elsewhere; "auto":
    photoclip's guess) and its `score` (a guess's share of the vocabulary's softmax; 1.0 given by hand)."""
    sources = library.tag_sources(tag)
    return {pid: {"source": sources[pid][0], "score": round(sources[pid][1], 4)} if pid in sources else {}
            for pid in ids}


def _the_tag_meant(library: Library, tag: str) -> str:
    """`tag`, or where no photo carries it, the one tag spelt alike: people type "zurich" for "Zürich" and
    "smith john" for "Smith, John"."""
    if library.tagged(tag, limit=1) or not name_key(tag):  # "🐱" is not every tag of emoji alone
        return tag
    alike = [name for name, _ in library.tags() if name_key(name) == name_key(tag)]
    return alike[0] if len(alike) == 1 else tag


def _no_photo_tagged(library: Library, tag: str) -> str:
    """What to say when no photo has `tag`: the tag meant, where one is spelt alike ("zurich"
    for "Zürich", "smith john" for "Smith, John") or close; where its photos were all deleted since
    indexing, not the tag itself as the one meant."""
    if library.tagged(tag, limit=1):
        return f"no photo tagged {_tag(tag)} is left in the library's folders"
    names = [name for name, _ in library.tags()]
    meant = [n for n in names if name_key(n) == name_key(tag)] if name_key(tag) else []
    meant = meant or difflib.get_close_matches(tagging.normalize_tag(tag), names, n=1)
    hint = f"did you mean {_tag(library.shown_tag(meant[0]))}?" if meant else "`photoclip tags` lists the tags"
    return f"no photo is tagged {_tag(tag)}; {hint}"


def _listed_tag(name: str) -> str:
    """A tag in a list joined by commas: in quotes when it holds one ("Smith, John")."""
    return f'"{name}"' if "," in name else name


def _tag(name: str) -> str:
    """A tag as messages name it: in quotes when it has more than one word, so that "tagged 1
    photo \"best shot\"" does not read as a sentence."""
    return f'"{name}"' if any(ch.isspace() for ch in name) else name


def _album_names(folders: Sequence[str]) -> str:
    """Folders a search named as messages name them: each by its name, in quotes as a tag is, or
    with its parent's where two have one name ("Pictures/Kids or Lake Tahoe/Kids")."""
    names = [os.path.basename(folder) or folder for folder in folders]
    return " or ".join(_tag(os.path.join(os.path.basename(os.path.dirname(folder)), name) if names.count(name) > 1
                            else name) for folder, name in zip(folders, names))


def cmd_tag(args: argparse.Namespace) -> int:
    try:
        opened, watch = _open(args, write=True), None
    except _KeptByWatch as exc:  # it holds the library all day: it tags them, as it adds a folder `index` gives
        opened, watch = _open(args, write=False), exc.pid
    with opened as library:
        undone = "no photo was tagged" if args.command == "tag" else "no photo was untagged"
        photos = _photos_at(library, args.paths, undone)
        ids = [photo.id for photo in photos]
        if args.command == "tag":
            if watch is not None:
                return _tag_through_watch(args, watch, tagging.spelt_tag(args.tag), photos)
            name = library.add_tag(ids, args.tag)
            print(f"tagged {plural(len(ids), 'photo')} {_tag(library.shown_tag(name))}", file=sys.stderr)
            return 0
        tags = {pid: library.photo_tags(pid) for pid in ids}
        name = tagging.normalize_tag(_spelt_alike([t.name for pid in ids for t in tags[pid] if t.source != "rejected"],
                                                  args.tag))
        had = sum(any(t.name == name and t.source != "rejected" for t in tags[pid]) for pid in ids)
        if not had:
            _refuse_an_unknown_tag(library, name, tags)
        if watch is not None:
            return _tag_through_watch(args, watch, library.shown_tag(name), photos)
        library.remove_tag(ids, name)  # those without it are kept from getting it too
        shown = _tag(library.shown_tag(name))
    lacking = plural(len(ids) - had, "photo")
    if not had:
        print(f"{lacking} did not have the tag {shown}; it will not be given automatically", file=sys.stderr)
    elif had < len(ids):
        print(f"took {shown} off {plural(had, 'photo')}; {lacking} did not have it (it will not be given "
              "automatically)", file=sys.stderr)
    else:
        print(f"took {shown} off {plural(had, 'photo')}", file=sys.stderr)
    return 0


def _tag_through_watch(args: argparse.Namespace, pid: str, tag: str, photos: Sequence[Photo]) -> int:
    """`tag` or `untag` while `photoclip watch` holds the library: watch does it, in a few seconds."""
    untag = args.command == "untag"
    ask_to_tag(_library_dir(args), tag, [photo.path for photo in photos], untag=untag)
    what = f"takes {_tag(tag)} off {plural(len(photos), 'photo')}" if untag else \
        f"tags {plural(len(photos), 'photo')} {_tag(tag)}"
    print(f"`photoclip watch` (pid {pid}) keeps this library up to date: it {what} in a few seconds",
          file=sys.stderr)
    return 0


def _spelt_alike(names: Iterable[str], tag: str) -> str:
    """`tag` as known, or where none of `names` is it, the one of them spelt alike but for case and accents:
    "zurich" for "Zürich", as search and `tagged` read them."""
    names = set(names)
    alike = {other for other in names if spelling_key(other) == spelling_key(tag)}
    return next(iter(alike)) if tagging.normalize_tag(tag) not in names and len(alike) == 1 else tag


def _refuse_an_unknown_tag(library: Library, name: str, tags: dict[PhotoId, list[tagging.PhotoTag]]) -> None:
    """`untag` of a tag no photo has and photoclip never gives is a typo, most likely: taking it
    off would only record a refusal of a tag that cannot come. A tag the vocabulary (or the
    user) defines may come later, so taking it off before it does is kept."""
    carried = [tag for tag, _ in library.tags()]
    if name in carried:
        return
    try:
        given = library.vocabulary().names()
    except QueryError:  # a vocabulary file that cannot be read now: it may well give the tag
        return
    if name in given:
        return
    theirs = list(dict.fromkeys(t.name for found in tags.values() for t in found if t.source != "rejected"))
    meant = difflib.get_close_matches(name, theirs + carried + given, n=1)
    spell = library.tag_spellings()
    if meant:
        hint = f"did you mean {_tag(spell.get(meant[0], meant[0]))}?"
    elif theirs:
        hint = f"{'its' if len(tags) == 1 else 'their'} tags: {', '.join(_tag(spell.get(t, t)) for t in theirs[:8])}"
    else:
        hint = "`photoclip tags` lists the tags"
    raise QueryError(f"no photo has the tag {_tag(name)}, and photoclip never gives it ({hint})")


def cmd_define_tag(args: argparse.Namespace) -> int:
    with _open(args, write=True) as library:
        if args.command == "forget-tag":
            _forget_tag(library, args.tag)
            return 0
        name = tagging.normalize_tag(args.tag)
        was = dict(library.defined_tags()).get(name)
        labelled = was is None and _a_vocabulary_label(library, name)
        given = 0 if was is not None else len(library.tagged(args.tag))
        if was is None or args.prompt is not None:  # defined again without one: its prompt stays
            library.define_tag(args.tag, args.prompt)
        shown, now = _tag(library.shown_tag(args.tag)), dict(library.defined_tags())[name]
        if was is not None and args.prompt is None:
            print(f"{shown} is defined already, as {_quoted(was)}; --prompt describes it anew", file=sys.stderr)
        elif was is not None and now != was:
            print(f"{shown} is now described as {_quoted(now)}, no longer as {_quoted(was)}", file=sys.stderr)
        elif labelled:  # the user's description wins over the vocabulary's
            print(f"{shown} is a tag the vocabulary gives; photoclip now gives it to photos that look like your "
                  f"description instead (`photoclip forget-tag {shown}` goes back to the vocabulary's)",
                  file=sys.stderr)
        elif given:  # a tag of the user's, or another program's keyword: now the model gives it too
            print(f"{shown} was a tag of {plural(given, 'photo')} already; photoclip now also gives it to photos "
                  "that look like it (`photoclip forget-tag` stops that)", file=sys.stderr)
        library.update_tags_or_warn()
        print(f"{plural(len(library.tagged(args.tag)), 'photo')} tagged {_tag(library.shown_tag(args.tag))}",
              file=sys.stderr)
    return 0


def _forget_tag(library: Library, tag: str) -> None:
    """Forget a defined tag, and say what became of it: the vocabulary's again, or only on the
    photos the user tagged by hand."""
    tag = _spelt_alike((name for name, _ in library.defined_tags()), tag)
    shown = _tag(library.shown_tag(tag))
    library.forget_tag(tag)
    if _a_vocabulary_label(library, tagging.normalize_tag(tag)):
        print(f"photoclip gives {shown} to photos that look like the vocabulary's description again", file=sys.stderr)
    else:
        print(f"photoclip no longer gives {shown} to photos that look like it; those you tagged keep it",
              file=sys.stderr)
    library.update_tags_or_warn()
    print(f"{plural(len(library.tagged(tag)), 'photo')} tagged {shown}", file=sys.stderr)


def _a_vocabulary_label(library: Library, name: str) -> bool:
    try:
        return name in library.vocabulary().names()
    except QueryError:  # a vocabulary file that cannot be read now: the warning after says so
        return False


def cmd_rename_tag(args: argparse.Namespace) -> int:
    with _open(args, write=True) as library:
        args.tag = _spelt_alike([*(name for name, _ in library.tags()), *dict(library.defined_tags())], args.tag)
        if args.command == "delete-tag":
            _delete_tag(library, args.tag)
            return 0
        new, old = tagging.normalize_tag(args.new_name), library.shown_tag(args.tag)
        defined = dict(library.defined_tags())
        existing = new != tagging.normalize_tag(args.tag) and (new in dict(library.tags()) or new in defined)
        labelled = tagging.normalize_tag(args.tag) in defined and new not in defined and _a_vocabulary_label(
            library, new)
        name, count = library.rename_tag(args.tag, args.new_name)
        name = library.shown_tag(name)
    if labelled:  # as define-tag onto a label of the vocabulary
        print(f"{_tag(name)} is a tag the vocabulary gives; photoclip now gives it to photos that look like your "
              f"description of {_tag(old)} instead (`photoclip forget-tag {_tag(name)}` goes back to the "
              "vocabulary's)", file=sys.stderr)
    if existing:
        print(f"merged {_tag(old)} into the existing tag {_tag(name)}: "
              f"{plural(count, 'photo')} tagged {_tag(name)}", file=sys.stderr)
    else:
        print(f"{plural(count, 'photo')} tagged {_tag(name)}", file=sys.stderr)
    return 0


def _delete_tag(library: Library, tag: str) -> None:
    """Delete a tag, and say what became of it: a tag the user defined is no longer given either,
    unless the vocabulary gives it too."""
    name, shown = tagging.normalize_tag(tag), _tag(library.shown_tag(tag))
    defined = name in dict(library.defined_tags())
    lost = library.delete_tag(tag)
    if _a_vocabulary_label(library, name):
        library.update_tags_or_warn()
        given = len(library.tagged(tag))
        still = f"; the vocabulary still gives it to {plural(given, 'photo')} that look like it" if given else ""
    else:
        still = ", and stopped giving it" if defined else ""
    print(f"took {shown} off {plural(lost, 'photo')}{still}", file=sys.stderr)


def cmd_export_tags(args: argparse.Namespace) -> int:
    with _open(args, write=True) as library:
        roots = [root.path for root in library.roots()]
        for folder in args.folders:
            path = library.folder_named(folder)
            if folder_probe.silent(path):
                continue  # export_sidecars says so
            if path.is_dir() and not any(path.is_relative_to(root) or root.is_relative_to(path) for root in roots):
                raise QueryError(f"{folder} is not in the library; `photoclip status` lists its folders")
        report = library.export_sidecars(args.folders, mine_only=args.mine)
    for path, reason in report.failed:
        print(on_terminal(f"photoclip: cannot write {one_line(path, sys.stderr)}: {reason}", sys.stderr),
              file=sys.stderr)
    if report.kept:  # each, so the user knows which photos' tags are not in a sidecar
        print(f"kept {plural(len(report.kept), 'sidecar')} another program wrote or changed as they are; their "
              "photos' tags were not exported:", file=sys.stderr)
        for path in report.kept:
            print(on_terminal(one_line(path, sys.stderr), sys.stderr), file=sys.stderr)
    print(f"{plural(report.written, 'sidecar')} written, {report.updated} updated, {report.unchanged} already up "
          "to date", file=sys.stderr)
    if report.not_answering:
        print(f"{plural(report.not_answering, 'photo')} left out: on a share that does not answer (its server is "
              "away?); export again once it answers", file=sys.stderr)
    return EXIT_ERROR if report.failed else 0


def cmd_albums(args: argparse.Namespace) -> int:
    with _tagging_library(args) as library:
        albums = library.albums(min_photos=args.min_photos)
        spell = library.tag_spellings()
    albums = [dataclasses.replace(a, tags=tuple((spell.get(t, t), share) for t, share in a.tags)) for a in albums]
    _print_rows(args, [{"folder": str(a.folder), "photos": a.photos,
                        "tags": [{"tag": t, "share": s} for t, s in a.tags]} for a in albums],
                (f"{a.folder}\t{a.photos}\t{', '.join(_listed_tag(t) for t, _ in a.tags)}" for a in albums))
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    with _open(args, write=False) as library:
        countries = library.countries()
    _print_rows(args, [{"country": name, "photos": count} for name, count in countries],
                (f"{count}\t{name}" for name, count in countries))
    if not countries and not args.json:  # said to a person; the output stays empty for a script
        print("no photo has a GPS position (phones and cameras write one when location is on for photos)",
              file=sys.stderr)
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from photoclip.model import list_models

    names = list_models()
    _print_rows(args, names, names)
    return 0


COMMANDS = {
    "index": cmd_index, "search": cmd_search, "similar": cmd_similar,
    "status": cmd_status, "remove": cmd_remove, "models": cmd_models, "watch": cmd_watch,
    "duplicates": cmd_duplicates, "not-duplicates": cmd_not_duplicates,
    "tags": cmd_tags, "tagged": cmd_tagged, "tag": cmd_tag, "untag": cmd_tag,
    "define-tag": cmd_define_tag, "forget-tag": cmd_define_tag, "albums": cmd_albums,
    "export-tags": cmd_export_tags, "places": cmd_places, "rename-tag": cmd_rename_tag, "delete-tag": cmd_rename_tag,
}


class _WarningLine(logging.Handler):
    """photoclip's own warnings (a folder it cannot read, a damaged settings file) as one line
    each on stderr, like its errors."""

    def emit(self, record: logging.LogRecord) -> None:
        print(on_terminal(f"photoclip: warning: {record.getMessage()}", sys.stderr), file=sys.stderr)


class _OthersErrors(logging.StreamHandler):
    """Other libraries' errors, on stderr. Being a handler of the root logger, it also keeps a
    library that logs through `logging.info()` (open_clip does) from setting up a second one,
    which printed photoclip's warnings twice."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setLevel(logging.ERROR)
        self.addFilter(lambda record: not record.name.startswith("photoclip"))


def _warnings_as_lines() -> None:
    """Without -v: photoclip's warnings are shown, other libraries' only when they are errors."""
    root = logging.getLogger()
    root.setLevel(logging.ERROR)
    if not any(isinstance(handler, _OthersErrors) for handler in root.handlers):
        root.addHandler(_OthersErrors())
    engine = logging.getLogger("photoclip")
    engine.setLevel(logging.WARNING)
    if not any(isinstance(handler, _WarningLine) for handler in engine.handlers):
        engine.addHandler(_WarningLine())


_CONTROL = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f]")  # NUL separates --null's paths


def on_terminal(text: str, stream: TextIO) -> str:
    """`text` for `stream`: on a terminal, control characters (a file name may hold escape codes
    that recolour it or move the cursor) shown as "?", as ls shows them; a pipe gets them as
    they are, so it still finds the file."""
    return _CONTROL.sub("?", text) if stream.isatty() else text


def one_line(text: object, stream: TextIO) -> str:
    """A path (or a line naming one) for `stream`: on a terminal, a newline in a file name shown
    as "?", so that it still reads as one path; a pipe gets it as it is (`--null` parts paths)."""
    shown = str(text)
    return shown.replace("\n", "?") if stream.isatty() else shown


class _OutputFailed(Exception):
    """stdout could not be written (a full disk): said as such, not as a path the command was given."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class _Output:
    """stdout, a failed write (but a reader gone, which ends the command quietly) an _OutputFailed."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._guarded(self._stream.write, text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    @staticmethod
    def _guarded(call: Callable[..., Any], *args: object) -> Any:
        try:
            return call(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _OutputFailed(exc) from exc

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _ClosedOutput:
    """stdout for a command started with it closed (`photoclip search red >&-`): what it prints
    would be lost, so printing fails, as `ls >&-` does; a command that prints nothing (index) does
    its work. The null device holds the descriptor, so that no file opened later takes it as stdout."""

    def __init__(self) -> None:
        self._nowhere = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed; send it to a file, or to /dev/null to drop it")

    def __getattr__(self, name: str) -> object:
        return getattr(self._nowhere, name)


class _TerminalSafe:
    """stdout, every write passed through on_terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(on_terminal(text, self._stream))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _NamingTheLibrary:
    """stderr, where advice naming a command (`photoclip index`) names the library the command
    line named too: followed as written, it would act on the user's own library."""

    def __init__(self, stream: TextIO, photoclip: str) -> None:
        self._stream, self._photoclip = stream, photoclip

    def write(self, text: str) -> int:
        return self._stream.write(text.replace("`photoclip ", f"`{self._photoclip} "))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _as_named_else_escaped(error: UnicodeError) -> tuple[str | bytes, int]:
    """A file name's bytes that are not UTF-8 (surrogate escapes) as they are; other text the
    output's encoding cannot hold as \\x escapes: printing never fails."""
    try:
        return codecs.lookup_error("surrogateescape")(error)
    except UnicodeError:
        return codecs.lookup_error("backslashreplace")(error)


def _print_paths_as_named() -> None:
    """A file name that is not UTF-8 is printed as its own bytes, so a pipe still finds the file.
    An ASCII ("C") locale gets UTF-8, as Python's own UTF-8 mode would give it: the tags typed
    there are read as UTF-8 too (_words)."""
    codecs.register_error("photoclip.named", _as_named_else_escaped)
    named = "photoclip.named" if os.name == "posix" else "backslashreplace"
    for stream, errors in ((sys.stdout, named), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            ascii_only = codecs.lookup(stream.encoding).name == "ascii"
            reconfigure(encoding="utf-8" if ascii_only else None, errors=errors)


def main(argv: Sequence[str] | None = None) -> int:
    if sys.stdout is None:  # started with stdout closed (`photoclip status >&-`)
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:  # `photoclip index 2>&-`: its messages go nowhere, and the work is done all the same
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdin is None:  # `<&-`: nothing to read, as from /dev/null
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
    stdout = sys.stdout
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.stdout = _Output(_TerminalSafe(stdout) if stdout.isatty() else stdout)
        code = _run(argv)
    except KeyboardInterrupt:
        print("photoclip: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    finally:
        sys.stdout = stdout
    return _written(code)


def _written(code: int) -> int:
    """`code`, once what is left of the output is written. Output short enough to sit in the buffer
    is written only now: a reader gone (`| head -1`) is a quiet end, as for any command, not
    Python's "Exception ignored" and exit 120 when it exits; a full disk is one line."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            _to_nowhere(stream)
        except OSError as exc:
            _to_nowhere(stream)
            if stream is sys.stdout:
                code = _cannot_write_output(exc)
    return code


def _cannot_write_output(exc: OSError) -> int:
    print(f"photoclip: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
    return EXIT_ERROR


def _to_nowhere(stream: TextIO) -> None:
    """What `stream` still holds, and Python's last flush at exit, go to the null device."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(nowhere, stream.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(nowhere)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    _print_paths_as_named()
    args, extras = parser.parse_known_args(argv)
    if extras:
        parser.refuse_unknown(args.command, extras)
    if args.library is not None and not args.library.strip():  # not the default library, as Library.open takes it
        parser.refuse("--library is empty; give the library's folder, or leave --library out for your own library")
    try:
        _uris_as_paths(args)
    except QueryError as exc:
        parser.refuse(str(exc))
    if args.device is not None and not re.fullmatch(config.DEVICE_NAMES, args.device.strip().lower()):
        parser.refuse(f"unknown device {args.device!r}; use auto, cpu, cuda or mps")
    if getattr(args, "null", False) and getattr(args, "json", False):
        parser.refuse("-0 ends paths with a NUL, --json prints JSON: give one of them")
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    else:
        _warnings_as_lines()
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    stderr = sys.stderr
    if args.library:
        sys.stderr = _NamingTheLibrary(stderr, _photoclip(args))
    try:
        return COMMANDS[args.command](args)
    except PhotoclipError as exc:
        print(on_terminal(f"photoclip: error: {exc}", sys.stderr), file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return 0
    except _OutputFailed as exc:
        _to_nowhere(sys.stdout)
        return _cannot_write_output(exc.error)
    except sqlite3.DatabaseError as exc:  # a catalog damaged where opening it did not look
        print(on_terminal(f"photoclip: error: {unusable(_library_dir(args) / CATALOG_FILE, exc)}", sys.stderr),
              file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # what the system refused of a path given: a name too long for it, a failing disk
        print(on_terminal(f"photoclip: error: {_refused(exc)}", sys.stderr), file=sys.stderr)
        return EXIT_ERROR
    finally:
        sys.stderr = stderr


def _refused(exc: OSError) -> str:
    """One line for an OSError, the path it names cut to fit (a name too long is hundreds of characters)."""
    name = os.fsdecode(exc.filename) if exc.filename is not None else ""
    shown = name if len(name) <= 80 else f"{name[:45]}…{name[-30:]}"
    if exc.errno == errno.ENAMETOOLONG:
        return f"{shown}: a name in this path is too long for this system; give a shorter one"
    return f"{shown}: {exc.strerror or exc}" if name else str(exc.strerror or exc)
