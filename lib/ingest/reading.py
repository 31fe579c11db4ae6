"""Reading a report into numbered lines (with pages where known), from a PDF or from extracted text.

A PDF is parsed in a child process (``lib.ingest.worker``) with a limit on memory, CPU time and wall
time, and at most ``MAX_PAGES`` pages: a small hostile PDF (a compressed-stream bomb, thousands of
pages) ends with a clear message while the server goes on serving everyone else. One size limit,
``MAX_MB``, is used everywhere (Streamlit's ``server.maxUploadSize``, the import page, the command line
and the README say the same; a test holds them to it).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from lib.ingest.isolated import REPORT_LIMITS, IngestError, Limits, memory_message, run
from lib.numbers import normalise

MAX_MB = 20
MAX_BYTES = MAX_MB * 1_000_000  # as Streamlit counts a megabyte: the page and the command line refuse the same files
MAX_PAGES = 300  # a förbund's annual report is 20–60 pages; a verksamhetsplan fewer


@dataclass(frozen=True)
class Line:
    no: int
    page: int | None
    text: str


_PAGE_MARK = re.compile(r"^\s*Sida (\d+)\s*$")


def lines_from_text(text: str) -> list[Line]:
    """Text as extracted from a PDF (like the seeds): 'Sida N' lines mark where page N starts."""
    out, page = [], None
    for no, raw in enumerate(text.split("\n"), start=1):
        m = _PAGE_MARK.match(raw)
        if m:
            page = int(m.group(1))
        out.append(Line(no, page, normalise(raw, keep_dashes=True)))
    return out


def lines_from_pdf(data: bytes, max_pages: int = MAX_PAGES) -> list[Line]:
    """Every text line of a PDF, numbered through the document, with its page number (in this process)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if not data.startswith(b"%PDF"):
        raise IngestError("Filen är ingen PDF (den börjar inte med %PDF).")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            if pages > max_pages:
                raise IngestError(f"Rapporten har {pages} sidor; högst {max_pages} sidor läses.")
            out, no = [], 0
            for page_no, page in enumerate(pdf.pages, start=1):
                for raw in (page.extract_text() or "").split("\n"):
                    no += 1
                    out.append(Line(no, page_no, normalise(raw, keep_dashes=True)))
                page.close()  # its caches (the text map among them) hold ~4 MB a page otherwise
    except IngestError:
        raise
    except MemoryError as exc:
        raise IngestError(memory_message(REPORT_LIMITS, "Läsningen av PDF:en")) from exc
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError("PDF:en är lösenordsskyddad och kan inte läsas.") from exc
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"PDF:en är trasig och kan inte läsas ({type(exc).__name__}).") from exc
    except Exception as exc:  # pdfminer raises many kinds (pdfplumber wraps them); a person needs one message
        wrapped = [*exc.args, exc.__cause__, exc.__context__]
        if any(isinstance(w, MemoryError) for w in wrapped):
            raise IngestError(memory_message(REPORT_LIMITS, "Läsningen av PDF:en")) from exc
        if (
            any(isinstance(w, (PDFPasswordIncorrect, PDFEncryptionError)) for w in wrapped)
            or "password" in repr(wrapped).lower()
            or "encrypt" in repr(wrapped).lower()
        ):
            raise IngestError("PDF:en är lösenordsskyddad och kan inte läsas.") from exc
        raise IngestError(f"PDF:en kunde inte läsas ({type(exc).__name__}).") from exc
    if not any(line.text.strip() for line in out):
        raise IngestError("PDF:en innehåller ingen text (kanske inskannade bilder).")
    return out


def lines_from_pdf_isolated(
    data: bytes,
    max_pages: int = MAX_PAGES,
    memory_mb: int = REPORT_LIMITS.memory_mb,
    cpu_s: int = REPORT_LIMITS.cpu_s,
    wall_s: float = REPORT_LIMITS.wall_s,
    cancelled=None,
) -> list[Line]:
    """``lines_from_pdf`` in a child process with limits (lib.ingest.isolated); what goes wrong there, or a
    limit reached, becomes an ``IngestError`` that says which."""
    payload = json.dumps({"max_pages": max_pages}).encode() + b"\n" + data
    got = run("pdf", payload, Limits(memory_mb, cpu_s, wall_s), cancelled, "Läsningen av PDF:en")
    return [Line(no, page, text) for no, page, text in got["lines"]]


def size_limit() -> str:
    """The one size limit, as the page and the command line state it."""
    return f"högst {MAX_MB} MB ({MAX_BYTES:,} byte)".replace(",", "\u00a0")


def too_big(size: int) -> str:
    return f"Filen är för stor: {size:,} byte; {size_limit()}.".replace(",", "\u00a0")


def read_report(
    path: Path | str | None = None, data: bytes | None = None, name: str = "", isolated: bool = True, cancelled=None
) -> list[Line]:
    """A report from a path or from uploaded bytes (.pdf or .txt), size-checked; a PDF is read in a child process."""
    if data is None:
        path = Path(path)
        name = path.name
        if not path.exists():
            raise IngestError(f"Filen {name} finns inte.")
        if path.stat().st_size > MAX_BYTES:
            raise IngestError(too_big(path.stat().st_size))
        data = path.read_bytes()
    if not data:
        raise IngestError("Filen är tom (0 byte).")
    if len(data) > MAX_BYTES:
        raise IngestError(too_big(len(data)))
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        if not data.startswith(b"%PDF"):
            raise IngestError("Filen är ingen PDF (den börjar inte med %PDF).")
        return lines_from_pdf_isolated(data, cancelled=cancelled) if isolated else lines_from_pdf(data)
    if suffix in (".txt", ".text", ""):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise IngestError("Textfilen är inte UTF-8.") from exc
        if not text.strip():
            raise IngestError("Textfilen innehåller ingen text.")
        if "\x00" in text:
            raise IngestError("Textfilen innehåller binära tecken; ladda upp en PDF eller en textfil.")
        return lines_from_text(text)
    raise IngestError(f"Filtypen {suffix} stöds inte: ladda upp en PDF eller en textfil (.txt).")
