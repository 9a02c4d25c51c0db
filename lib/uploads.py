"""Checks on a file someone uploads: its size, its name, and what its content really is.

A file's name and the type its browser claims are only what the sender says. The type is
read from the content (its first bytes, and for a zip the parts it holds) and checked
against a short list of documents councils attach as proof; the name must then agree with
the content, so a page of HTML or a program cannot be passed off as a PDF. The file is
read once, in chunks, and hashed on the way (the hash names the stored copy).
"""

import codecs
import hashlib
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

CHUNK_BYTES = 64 * 1024
MB = 1024 * 1024

# A zip's limits: an Office document unpacks to a few times its size, a zip bomb to
# thousands of times. The declared sizes are read, never trusted to unpack: only
# [Content_Types].xml is read, and only up to MAX_CONTENT_TYPES_BYTES.
MAX_ZIP_ENTRIES = 10_000
MAX_UNZIPPED_BYTES = 200 * MB
MAX_UNZIPPED_RATIO = 100
MAX_CONTENT_TYPES_BYTES = 1 * MB

# Longest name kept; the Evidence model stores 200 characters.
MAX_NAME_CHARS = 200

ACCEPTED = "Attach the PDF, Word, Excel, PowerPoint, image or CSV file itself."


class UploadRefused(ValueError):
    """The file is not accepted; the message says why, for the form field."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed every check, with what was learnt reading it."""

    name: str  # safe to show and to offer as a download name
    content_type: str  # from the content, never from the sender
    sha256: str
    size: int
    file: BinaryIO = field(repr=False, compare=False)


@dataclass(frozen=True)
class FileKind:
    """A type of file accepted, the extensions its name may end with, and their types."""

    label: str  # "a PDF", as in "report.png is not a PDF"
    extensions: dict[str, str]  # extension -> content type


PDF = FileKind("a PDF", {".pdf": "application/pdf"})
WORD = FileKind(
    "a Word document",
    {
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    },
)
EXCEL = FileKind(
    "an Excel workbook",
    {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
)
POWERPOINT = FileKind(
    "a PowerPoint presentation",
    {
        ".pptx": "application/vnd.openxmlformats-officedocument.presentationml"
        ".presentation"
    },
)
# Word, Excel and PowerPoint 97–2003 share one container format (OLE2); which of the
# three it is is taken from the name.
OLD_OFFICE = FileKind(
    "a Word, Excel or PowerPoint 97–2003 file",
    {
        ".doc": "application/msword",
        ".xls": "application/vnd.ms-excel",
        ".ppt": "application/vnd.ms-powerpoint",
    },
)
PNG = FileKind("a PNG image", {".png": "image/png"})
JPEG = FileKind("a JPEG image", {".jpg": "image/jpeg", ".jpeg": "image/jpeg"})
GIF = FileKind("a GIF image", {".gif": "image/gif"})
TEXT = FileKind("a CSV or text file", {".csv": "text/csv", ".txt": "text/plain"})

KINDS = [PDF, WORD, EXCEL, POWERPOINT, OLD_OFFICE, PNG, JPEG, GIF, TEXT]

# What a name's extension promises, in "is not …" messages.
_PROMISED = {
    ".doc": "a Word document",
    ".xls": "an Excel workbook",
    ".ppt": "a PowerPoint presentation",
    ".csv": "a CSV file",
    ".txt": "a text file",
} | {
    extension: kind.label
    for kind in KINDS
    if kind not in (OLD_OFFICE, TEXT)
    for extension in kind.extensions
}

# First bytes of the binary types accepted.
_SIGNATURES = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLD_OFFICE),
]
_ZIP = b"PK\x03\x04"
# Programs: Windows (MZ), Linux (ELF), macOS (Mach-O), and scripts (#!).
_PROGRAMS = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",
)

# Each OOXML document names its main part's type in [Content_Types].xml.
_OOXML_MAIN_TYPES = [
    (b"wordprocessingml.document.main+xml", WORD),
    (b"spreadsheetml.sheet.main+xml", EXCEL),
    (b"presentationml.presentation.main+xml", POWERPOINT),
]

# Text a browser could run as a page if it were ever shown rather than downloaded.
_MARKUP = (b"<script", b"<html", b"<svg", b"<iframe", b"<body")
_MARKUP_OVERLAP = max(len(marker) for marker in _MARKUP) - 1
# Control characters other than tab, line breaks and form feed: binary, not text.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF8_BOM = codecs.BOM_UTF8
_BLANK_BYTES = b" \t\r\n\x0c"
_DRIVE = re.compile(r"[A-Za-z]:")


def size_text(size: int) -> str:
    """A size as people read it: "512 bytes", "48 KB", "23.4 MB"."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    unit, scale = ("KB", 1024) if size < MB else ("MB", MB)
    return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"


def safe_file_name(name: str) -> str:
    """The name to keep and offer for download, or UploadRefused naming the problem.

    A name with folders in it, or characters that print as nothing or move text about
    (a right-to-left override, U+202E, can make "report<U+202E>fdp.exe" read as
    "reportexe.pdf"), is refused rather than quietly changed, so that what is kept is
    what the sender saw.
    """
    if "/" in name or "\\" in name:
        raise UploadRefused(
            "The file name contains a folder separator (/ or \\): attach the file "
            "itself, with a plain name.",
            code="name_path",
        )
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in name):
        raise UploadRefused(
            "The file name contains control or invisible characters: rename the file "
            "and attach it again.",
            code="name_control",
        )
    name = name.strip()
    if not name.strip("."):
        raise UploadRefused(
            "The file has no name: rename it and attach it again.", code="name_empty"
        )
    if len(name) > MAX_NAME_CHARS:
        # Only the middle of a long name goes; the extension must stay to be checked.
        stem, extension = posixpath.splitext(name)
        name = stem[: MAX_NAME_CHARS - len(extension)] + extension
    return name


def upload_check(file: BinaryIO, *, name: str, max_bytes: int) -> CheckedUpload:
    """Check an uploaded file; UploadRefused with a message for the field if refused.

    `file` is read from its start in chunks (and left open for storing); `name` is the
    name the sender gave it.
    """
    name = safe_file_name(name)
    declared = getattr(file, "size", None)
    if declared is not None:
        _refuse_size(declared, max_bytes)
    scan = _Scan()
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        scan.feed(chunk)
        if scan.size > max_bytes and declared is None:
            _refuse_size(scan.size + _remaining(file), max_bytes)
    scan.close()
    _refuse_size(scan.size, max_bytes)
    kind = scan.kind
    if kind is None and scan.zip:
        file.seek(0)
        kind = _office_kind(file, name=name, size=scan.size)
    if kind is None:
        raise _content_refused(name, scan.refused_as)
    return CheckedUpload(
        name=name,
        content_type=_content_type(name, kind, scan),
        sha256=scan.sha256.hexdigest(),
        size=scan.size,
        file=file,
    )


def _refuse_size(size: int, max_bytes: int) -> None:
    if size == 0:
        raise UploadRefused("The file is empty.", code="empty")
    if size > max_bytes:
        raise UploadRefused(
            f"The file is {size_text(size)}: the largest accepted is "
            f"{size_text(max_bytes)}.",
            code="too_big",
        )


def _remaining(file: BinaryIO) -> int:
    """Bytes left to read, without keeping them."""
    left = 0
    while chunk := file.read(CHUNK_BYTES):
        left += len(chunk)
    return left


class _Scan:
    """What the bytes read so far say: size, checksum, and the kind of content.

    Binary kinds are known from the first bytes; text is known only at the end (every
    byte must decode, and no control character or markup may appear anywhere).
    """

    def __init__(self):
        self.size = 0
        self.sha256 = hashlib.sha256()
        self.kind: FileKind | None = None
        self.zip = False
        self.refused_as = ""  # "HTML", "a program": what the content is, when refused
        self.encoding = ""
        self._text = _TextScan()
        self._first = True

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.sha256.update(chunk)
        if self._first:
            self._first = False
            self._sniff(chunk)
        if self.kind is TEXT:
            self._text.feed(chunk)

    def _sniff(self, head: bytes) -> None:
        for signature, kind in _SIGNATURES:
            if head.startswith(signature):
                self.kind = kind
                return
        if head.startswith(_ZIP):
            self.zip = True
            self.refused_as = "a zip archive"  # unless it is an Office document
        elif head.startswith(_PROGRAMS) or (
            # A DOS or Windows program; its header always holds zero bytes, which text
            # starting "MZ" never does.
            head.startswith(b"MZ") and b"\x00" in head[:64]
        ):
            self.refused_as = "a program"
        else:
            self.kind = TEXT  # until a byte says otherwise

    def close(self) -> None:
        if self.kind is not TEXT:
            return
        problem = self._text.close()
        if problem:
            self.kind, self.refused_as = None, problem
        else:
            self.encoding = self._text.encoding


class _TextScan:
    """Plain text or CSV, read chunk by chunk: UTF-8 or Windows-1252, no control
    characters, and nothing a browser would run as a page."""

    def __init__(self):
        # The encodings the bytes so far decode in, in the order preferred.
        self._decoders = {
            encoding: codecs.getincrementaldecoder(encoding)()
            for encoding in ("utf-8", "windows-1252")
        }
        self._start = b""  # the first bytes, until the first one that is not blank
        self._started = False
        self._tail = b""
        self.problem = ""
        self.encoding = ""

    def feed(self, chunk: bytes) -> None:
        if self.problem:
            return
        if _CONTROL_BYTES.search(chunk):
            self.problem = "not one of the types accepted"
            return
        self._decode(chunk, final=False)
        if not self._started:
            self._start_check(chunk)
        window = (self._tail + chunk).lower()
        if any(marker in window for marker in _MARKUP):
            self.problem = "HTML"
        self._tail = window[-_MARKUP_OVERLAP:]

    def _decode(self, chunk: bytes, *, final: bool) -> None:
        for encoding, decoder in list(self._decoders.items()):
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError:
                del self._decoders[encoding]

    def _start_check(self, chunk: bytes) -> None:
        """Markup starts with "<": a text starting so (after a byte-order mark and
        blanks) is refused as HTML or XML."""
        self._start += chunk
        text = _strip_start(self._start)
        if not text:
            return
        self._started = True
        if text.startswith(b"<"):
            self.problem = "XML" if text[:5].lower() == b"<?xml" else "HTML"
        self._start = b""

    def close(self) -> str:
        """Why the content is not accepted as text ("" when it is)."""
        if not self.problem:
            self._decode(b"", final=True)
            if not self._decoders:
                self.problem = "not one of the types accepted"
        self.encoding = next(iter(self._decoders), "")
        return self.problem


def _strip_start(text: bytes) -> bytes:
    """Text without the byte-order marks and blanks in front of its first character."""
    while (stripped := text.lstrip(_BLANK_BYTES).removeprefix(_UTF8_BOM)) != text:
        text = stripped
    return text


def _office_kind(file: BinaryIO, *, name: str, size: int) -> FileKind | None:
    """Word, Excel or PowerPoint (Office Open XML), or UploadRefused for a zip that is
    damaged, would unpack to far more than its size, reaches outside itself or holds
    macros; None for a sound zip that is not an Office document."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _zip_limits(members, name=name, size=size)
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names:
                return None
            with archive.open("[Content_Types].xml") as part:
                types = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a compression method zipfile cannot read
        RuntimeError,  # an encrypted part
        EOFError,
        zlib.error,
    ) as error:
        raise UploadRefused(
            f"{name} is damaged: it cannot be opened as a Word, Excel or PowerPoint "
            "file. Save it again and attach the new copy.",
            code="damaged",
        ) from error
    if len(types) > MAX_CONTENT_TYPES_BYTES:
        return None
    for marker, kind in _OOXML_MAIN_TYPES:
        if marker in types:
            return kind
    if b"macroenabled" in types.lower():
        raise _macros_refused(name)
    return None


def _zip_limits(members: list[zipfile.ZipInfo], *, name: str, size: int) -> None:
    if len(members) > MAX_ZIP_ENTRIES:
        raise UploadRefused(
            f"{name} holds more than {MAX_ZIP_ENTRIES:,} parts, far more than any "
            f"Office document: it is not accepted. {ACCEPTED}",
            code="zip_bomb",
        )
    unzipped = sum(member.file_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_UNZIPPED_RATIO * size:
        raise UploadRefused(
            f"{name} would unpack to {size_text(unzipped)}, far more than any Office "
            f"document of its size: it is not accepted. {ACCEPTED}",
            code="zip_bomb",
        )
    for member in members:
        if _reaches_outside(member.filename):
            raise UploadRefused(
                f"{name} holds a part with a path outside the document "
                f"({member.filename[:80]!r}): it is not accepted. {ACCEPTED}",
                code="zip_path",
            )
        if posixpath.basename(member.filename).lower() == "vbaproject.bin":
            raise _macros_refused(name)


def _reaches_outside(path: str) -> bool:
    """An absolute path, a drive, a backslash or a ".." would put a part outside the
    folder it is unpacked into."""
    return (
        path.startswith("/")
        or "\\" in path
        or _DRIVE.match(path) is not None
        or ".." in path.split("/")
    )


def _macros_refused(name: str) -> UploadRefused:
    return UploadRefused(
        f"{name} contains macros, which can run programs: save it as a plain Word, "
        "Excel or PowerPoint file (.docx, .xlsx, .pptx), or as a PDF, and attach that.",
        code="macros",
    )


def _extension(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def _content_refused(name: str, what: str) -> UploadRefused:
    """Content not accepted whatever its name: HTML, a program, an unknown type."""
    promised = _PROMISED.get(_extension(name))
    if promised:
        message = f"{name} is not {promised}: its content is {what}. {ACCEPTED}"
    elif what.startswith("not "):
        message = f"{name} is not accepted: its content is {what}. {ACCEPTED}"
    else:
        message = f"{name} is {what}, which is not accepted. {ACCEPTED}"
    return UploadRefused(message, code="content_type")


def _content_type(name: str, kind: FileKind, scan: _Scan) -> str:
    """The type stored and served: the content's, provided the name agrees with it."""
    extension = _extension(name)
    if extension not in kind.extensions:
        raise _name_disagrees(name, kind, extension)
    content_type = kind.extensions[extension]
    if kind is TEXT:
        content_type += f"; charset={scan.encoding}"
    return content_type


def _name_disagrees(name: str, kind: FileKind, extension: str) -> UploadRefused:
    endings = " or ".join(kind.extensions)
    rename = posixpath.splitext(name)[0] + next(iter(kind.extensions))
    promised = _PROMISED.get(extension)
    if promised:
        message = (
            f"{name} is not {promised}: its content is {kind.label}. Check it is the "
            f"right file; if it is, rename it {rename} and attach it again."
        )
    else:
        message = (
            f"{name} is {kind.label}, but its name does not end {endings}: rename it "
            f"{rename} and attach it again."
        )
    return UploadRefused(message, code="name_disagrees")
