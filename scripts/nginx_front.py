"""nginx in front of several local Streamlit processes, from deploy/nginx.conf.template (the load test's scale-out).

    python scripts/nginx_front.py --servers 2 [--port 8080]   # serve until Ctrl-C

Starts N servers with tests/localserver.serve on free loopback ports, writes the filled-in config to a
temporary folder, runs Debian's nginx in the foreground on it, and stops everything at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.localserver import Server, free_port, serve, wait_healthy  # noqa: E402

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"


@dataclass(frozen=True)
class Front:
    url: str
    port: int
    servers: list[Server]


def render(listen: str, backends: list[int], prefix: Path) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in backends)
    return (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("{{LISTEN}}", listen)
        .replace("{{SERVERS}}", servers)
        .replace("{{PREFIX}}", str(prefix))
    )


@contextmanager
def nginx_front(n: int, port: int | None = None, **serve_options) -> Iterator[Front]:
    """N Streamlit servers and nginx before them; yields the front's URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx saknas: apt-get install nginx")
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(serve(**serve_options)) for _ in range(n)]
        prefix = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="finsam-nginx-")))
        port = port or free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(render(f"127.0.0.1:{port}", [s.port for s in servers], prefix), encoding="utf-8")
        proc = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc, 20, "nginx")
            yield Front(url, port, servers)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with nginx_front(args.servers, args.port) as front:
        print(f"{front.url} → {', '.join(s.url for s in front.servers)} (Ctrl-C avslutar)")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
