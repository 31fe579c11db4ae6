"""`python -m lib.ingest.worker pdf|propose MEMORY_MB CPU_S < input`: one step of reading a report, under limits.

Run by ``lib.ingest.isolated``, never by people. The limits are set in this process after the libraries
are imported and before the input is read (the libraries are trusted code; the input is not): address
space (a decompression bomb raises MemoryError or is stopped) and CPU time (the kernel stops an endless
parse); the parent adds a wall-clock limit and stops the child when its work is no longer wanted.

- ``pdf``: stdin is a PDF (its first line of JSON says the page limit: ``{"max_pages": 300}``); prints
  ``{"lines": [[no, page, text], …]}``.
- ``propose``: stdin is JSON (the report's lines and what the proposals need); prints the proposal's rows,
  missing metrics, conflicts and notes (``lib.ingest.propose.Result`` without its frames, which the parent
  computes again from the rows).

Any problem is ``{"error": "…"}`` in Swedish, or ``{"memory": true}`` when memory ran out.
"""

from __future__ import annotations

import json
import resource
import sys


def _limit(memory_mb: int, cpu_s: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))


def _pdf(data: bytes) -> dict:
    from lib.ingest.reading import lines_from_pdf

    head, _, pdf = data.partition(b"\n")
    lines = lines_from_pdf(pdf, int(json.loads(head)["max_pages"]))
    return {"lines": [[ln.no, ln.page, ln.text] for ln in lines]}


def _propose(data: bytes) -> dict:
    from lib.ingest.propose import propose
    from lib.ingest.reading import Line

    job = json.loads(data)
    lines = [Line(no, page, text) for no, page, text in job["lines"]]
    members = [tuple(m) for m in job.get("members") or []]
    result = propose(lines, job["forbund"], job.get("year"), job["document"], job.get("doc_type"), members)
    return {
        "rows": result.rows,
        "missing": result.missing,
        "conflicts": result.conflicts,
        "notes": result.notes,
        "year": result.year,
        "doc_type": result.doc_type,
    }


def main(argv: list[str]) -> int:
    step, memory_mb, cpu_s = argv[0], int(argv[1]), int(argv[2])
    data = sys.stdin.buffer.read()
    import pdfplumber  # noqa: F401  (the libraries are trusted code: imported before the limits)

    import lib.ingest.propose  # noqa: F401
    from lib.ingest.isolated import IngestError

    _limit(memory_mb, cpu_s)
    try:
        answer = {"pdf": _pdf, "propose": _propose}[step](data)
    except IngestError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"memory": True}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
