"""What staff and customers see of an uploaded document's name."""

import pytest

from appeals.documents import document_display_name


@pytest.mark.parametrize(
    "sent, shown",
    [
        ("договор.pdf", "договор.pdf"),
        ("a\u202egpj.pdf", "agpj.pdf"),
        ("C:\\Users\\buh\\Скан 1.pdf", "Скан 1.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("  \u200b\t.pdf", ".pdf"),
        ("\u200b", "документ"),
        ("я" * 300 + ".docx", "я" * 250 + ".docx"),
    ],
)
def test_document_names_are_shown_without_tricks(sent, shown):
    assert document_display_name(sent) == shown
