"""`python -m lib.ingest.worker MAX_PAGES MEMORY_MB CPU_S < report.pdf`: read one PDF under limits, answer in JSON.

Run by ``lib.ingest.reading.lines_from_pdf_isolated``, never by people. The limits are set in this
process after pdfplumber is imported and before the file is parsed (nothing of the parent's threads is
involved, and the libraries' own start-up is not limited): address space
(a decompression bomb raises MemoryError or is stopped), CPU time (the kernel stops an endless parse),
and the parent's own wall-clock timeout. Prints ``{"lines": [[no, page, text], …]}`` or ``{"error": "…"}``.
"""

from __future__ import annotations

import json
import resource
import sys


def _limit(memory_mb: int, cpu_s: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))


def main(argv: list[str]) -> int:
    max_pages, memory_mb, cpu_s = (int(a) for a in argv[:3])
    data = sys.stdin.buffer.read()
    import pdfplumber  # noqa: F401  (the libraries are trusted code: imported before the limits)

    from lib.ingest.reading import IngestError, lines_from_pdf

    _limit(memory_mb, cpu_s)

    try:
        lines = lines_from_pdf(data, max_pages)
    except IngestError as exc:
        print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 0
    except MemoryError:
        print(
            json.dumps(
                {"error": "PDF:en kräver för mycket minne för att läsas; den är trasig eller gjord för att störa."}
            )
        )
        return 0
    sys.stdout.write(json.dumps({"lines": [[ln.no, ln.page, ln.text] for ln in lines]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
