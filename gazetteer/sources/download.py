"""Fetch GeoNames dump files from GeoNames' public download site (or a mirror) into the cache.

Only at the user's request (``geo gazetteer download``). A partial file is resumed with an HTTP Range request
(or restarted cleanly when the server ignores ranges); failed requests are retried with a growing pause; a
finished file must have the size the server announced, and is renamed into place only then. A file already
complete (same size as the server's) is not fetched again.
"""

from __future__ import annotations

import http.client
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from gazetteer.errors import SourceError
from gazetteer.progress import bar

__all__ = ["DEFAULT_BASE_URL", "base_url", "download_files", "fetch", "fetch_json"]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://download.geonames.org/export/dump/"
_CHUNK = 1 << 16
_USER_AGENT = "geo-events gazetteer downloader"


def base_url(url: str | None = None) -> str:
    """The download base URL: ``url``, else ``$GEO_GEONAMES_URL``, else GeoNames' dump folder."""
    chosen = url or os.environ.get("GEO_GEONAMES_URL") or DEFAULT_BASE_URL
    return chosen if chosen.endswith("/") else chosen + "/"


def _request(url: str, *, method: str = "GET", start: int = 0) -> urllib.request.Request:
    headers = {"User-Agent": _USER_AGENT}
    if start:
        headers["Range"] = f"bytes={start}-"
    return urllib.request.Request(url, method=method, headers=headers)


def _remote_size(url: str, timeout: float) -> int | None:
    try:
        with urllib.request.urlopen(_request(url, method="HEAD"), timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            return int(length) if length else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _fetch_once(url: str, part: Path, timeout: float) -> int | None:
    """Fetch into ``part`` (resuming it); return the total size the server announced, if any."""
    start = part.stat().st_size if part.exists() else 0
    with urllib.request.urlopen(_request(url, start=start), timeout=timeout) as response:
        status = getattr(response, "status", 200)
        if start and status != 206:  # the server ignored the range: start over
            start = 0
        length = response.headers.get("Content-Length")
        total = (int(length) + start) if length else None
        with open(part, "ab" if start else "wb") as handle:
            meter = bar(f"downloading {part.name}", total=total, initial=start)
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                handle.write(chunk)
                meter.update(len(chunk))
            meter.close()
    return total


def download_files(names: Iterable[str], dest: Path, *, url: str | None = None, retries: int = 4,
                   timeout: float = 60.0, pause: float = 1.0) -> list[Path]:
    """Download each file name (``SY.zip``, ``admin1CodesASCII.txt``…) from the base URL into ``dest``.

    Returns
    -------
    list of Path
        The complete local files, in the order given.
    """
    root = base_url(url)
    dest.mkdir(parents=True, exist_ok=True)
    return [fetch(root + name, dest / name, retries=retries, timeout=timeout, pause=pause) for name in names]


def fetch(remote: str, target: Path, *, retries: int = 4, timeout: float = 60.0, pause: float = 1.0) -> Path:
    """Download one URL to ``target`` (resumed, retried, size-checked, renamed into place when complete)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and _remote_size(remote, timeout) == target.stat().st_size:
        log.info("%s is complete; not fetched again", target)
        return target
    part = target.with_name(target.name + ".part")
    last_error: Exception | None = None
    for attempt in range(retries + 1):
        try:
            total = _fetch_once(remote, part, timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 416:  # range past the end: the part file is stale, start over
                part.unlink(missing_ok=True)
            elif 400 <= exc.code < 500:
                raise SourceError(f"cannot download {remote}: HTTP {exc.code} {exc.reason}") from None
            last_error = exc
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            last_error = exc  # includes a connection dropped mid-file (IncompleteRead): resume next time
        else:
            size = part.stat().st_size
            if total is None or size == total:
                os.replace(part, target)
                return target
            last_error = SourceError(f"{remote}: got {size} bytes of {total}")
        if attempt < retries:
            log.warning("download of %s failed (%s); retrying", remote, last_error)
            time.sleep(pause * (attempt + 1))
    raise SourceError(f"cannot download {remote} after {retries + 1} attempts ({last_error}); "
                      "check the network or pass --base-url for a mirror")


def fetch_json(remote: str, *, timeout: float = 60.0) -> object:
    """GET a small JSON document (an API's metadata)."""
    import json

    try:
        with urllib.request.urlopen(_request(remote), timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise SourceError(f"cannot read {remote}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        raise SourceError(f"cannot read {remote} ({exc})") from None
