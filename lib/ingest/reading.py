"""Reading a report into numbered lines (with pages where known), from a PDF or from extracted text."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from lib.numbers import normalise

MAX_BYTES = 25 * 1024 * 1024


class IngestError(ValueError):
    """A report that cannot be read, with a message for people."""


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


def lines_from_pdf(data: bytes) -> list[Line]:
    """Every text line of a PDF, numbered through the document, with its page number."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if not data.startswith(b"%PDF"):
        raise IngestError("Filen är ingen PDF (den börjar inte med %PDF).")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            out, no = [], 0
            for page_no, page in enumerate(pdf.pages, start=1):
                for raw in (page.extract_text() or "").split("\n"):
                    no += 1
                    out.append(Line(no, page_no, normalise(raw, keep_dashes=True)))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise IngestError("PDF:en är lösenordsskyddad och kan inte läsas.") from exc
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"PDF:en är trasig och kan inte läsas ({type(exc).__name__}).") from exc
    except Exception as exc:  # pdfminer raises many kinds (pdfplumber wraps them); a person needs one message
        wrapped = [*exc.args, exc.__cause__, exc.__context__]
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


def read_report(path: Path | str | None = None, data: bytes | None = None, name: str = "") -> list[Line]:
    """A report from a path or from uploaded bytes (.pdf or .txt), size-checked."""
    if data is None:
        path = Path(path)
        name = path.name
        if not path.exists():
            raise IngestError(f"Filen {name} finns inte.")
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise IngestError(f"Filen är för stor ({len(data) // 1_000_000} MB; högst {MAX_BYTES // 1_000_000} MB).")
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return lines_from_pdf(data)
    if suffix in (".txt", ".text", ""):
        try:
            return lines_from_text(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise IngestError("Textfilen är inte UTF-8.") from exc
    raise IngestError(f"Filtypen {suffix} stöds inte: ladda upp en PDF eller en textfil (.txt).")
