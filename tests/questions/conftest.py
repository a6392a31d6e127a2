"""People for the editorial tests besides tests/conftest.py's learner, editor and reviewer:
a second editor and staff; a local image host and a media folder for the figure tests."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from questions.models import Question
from tests.factories import UserFactory
from tests.questions.images import png


@pytest.fixture
def editor2(db):
    return UserFactory(email="editor2@example.com", roles=["editor"])


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", is_staff=True)


@pytest.fixture
def mqa(db) -> Question:
    """The Multi-query Attention question the editorial review found wrong."""
    return Question.objects.get(title__contains="Multi-query Attention")


def as_user(client, user):
    client.force_login(user)
    return client


class FigureServer(SimpleHTTPRequestHandler):
    """A local image host: ok.png, evil.svg, fake.png, big.png and a redirect away.png."""

    hits: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        FigureServer.hits.append(self.path)
        if self.path == "/away.png":
            self.send_response(302)
            self.send_header("Location", "http://localhost:1/x.png")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "ok.png").write_bytes(png())
    (site / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    (site / "fake.png").write_bytes(b"<html>not an image</html>")
    (site / "big.png").write_bytes(png() + b"\x00" * 5000)
    FigureServer.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(FigureServer, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QUESTION_FIGURE_MAX_BYTES = 2000
    return settings.MEDIA_ROOT
