"""Every public page type is valid HTML, as the Nu Html Checker reads it (tests/html_checker.py)."""

import pytest
from django.conf import settings

from tests.html_checker import check_documents
from tests.public_pages import (
    ERROR_PAGES,
    NOT_HTML,
    load_public_pages,
    render_error_page,
    view_names,
)
from tests.test_escaping import url_names

pytestmark = pytest.mark.django_db


def test_every_public_page_type_is_valid_html(client, render_once, tmp_path):
    documents = {}
    paths = load_public_pages()
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not-found" else 200), name
        documents[name] = response.content
    # The correction form sent back with its errors (a page no GET leads to).
    refused = client.post(paths["article-suggest"], {"headline": "", "body": "", "note": ""})
    assert refused.status_code == 400
    documents["article-suggest-refused"] = refused.content
    for name in ERROR_PAGES:
        documents[name] = render_error_page(name).content
    findings = check_documents(documents, tmp_path)
    assert {name: found for name, found in findings.items() if found} == {}


def test_a_page_the_checker_finds_fault_with_fails(tmp_path):
    """The check can fail: a role that HTML does not allow and a duplicate id are found."""
    html = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>版面</title></head>'
        '<body><main><p id="a">一</p><p id="a">二</p><ul role="button"><li>三</li></ul></main>'
        "</body></html>"
    ).encode()
    findings = check_documents({"broken": html}, tmp_path)["broken"]
    assert any("Duplicate ID" in finding for finding in findings), findings
    assert any("role" in finding for finding in findings), findings


def test_every_public_html_url_has_a_page_type_in_the_check(render_once):
    """A new public page must be added to tests/public_pages.py (or to NOT_HTML)."""
    html_names = set(url_names()) - NOT_HTML
    assert html_names - view_names(load_public_pages().values()) == set()
    assert settings.ROOT_URLCONF == "paper.urls"
