"""What a statement may load while WeasyPrint draws it: the site's own static
files and inline `data:` URLs, nothing else."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url


class FetchRefused(ValueError):
    """A statement asked for something other than our static files."""


class StaticFilesFetcher(URLFetcher):
    """Serves `file:` URLs under the given roots and inline `data:` URLs;
    refuses every other address (http, https, ftp, any other file)."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise FetchRefused(f"a statement loads nothing from {scheme or 'a relative address'}")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused("a statement loads no files from other hosts")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise FetchRefused("a statement loads only the site's own static files")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path2url(str(path)), body=path.read_bytes(), headers={"Content-Type": content_type}
        )
