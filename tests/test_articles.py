import json

import pytest

from stance.articles import Article, ArticleProblem, html_to_text, parse_date, read_articles
from stance.errors import ArticleError, InputError


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-11-30", "2024-11-30"),
        ("2024-11-30T08:15:00Z", "2024-11-30"),
        ("2024-11-30T23:15:00+03:00", "2024-11-30"),
        ("Nov. 30, 2024", "2024-11-30"),
        ("November 30, 2024", "2024-11-30"),
        ("30 November 2024", "2024-11-30"),
        ("Sept. 3, 2019", "2019-09-03"),
        ("2024/11/30", "2024-11-30"),
    ],
)
def test_dates_in_the_forms_news_metadata_uses(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize("raw", ["", "2024-02-30", "Nov. 31, 2024", "yesterday", "13/13/2024"])
def test_missing_or_impossible_dates_are_refused_with_the_field(raw):
    with pytest.raises(ArticleError, match="date"):
        parse_date(raw, "--date")


def test_html_page_is_reduced_to_its_article_text():
    html = """<html><head><title>Ankara reacts</title><script>var x = "said";</script></head>
    <body><nav>Home | World</nav><article><h1>Ankara reacts</h1>
    <p>Turkey&#8217;s foreign ministry said the strike was unacceptable.</p>
    <p>&ldquo;We condemn it,&rdquo; Fidan said.</p></article>
    <footer>(c) 2024</footer></body></html>"""
    text, title = html_to_text(html)
    assert title == "Ankara reacts"
    assert "Turkey\u2019s foreign ministry said" in text
    assert "\u201cWe condemn it,\u201d Fidan said." in text
    assert "var x" not in text and "Home | World" not in text and "(c) 2024" not in text


def test_one_bad_article_in_a_batch_is_reported_and_the_others_read(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "date": "2024-11-30", "text": "Iran said it was concerned."}),
        "{not json",
        json.dumps({"id": "a3", "date": "2024-02-31", "text": "Moscow said no."}),
        json.dumps({"id": "a4", "date": "2024-12-01", "text": "   "}),
        json.dumps({"id": "a5", "date": "Dec. 2, 2024", "text": "Ankara said yes."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_articles(path))
    ok = [i for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, ArticleProblem)]
    assert [a.id for a in ok] == ["a1", "a5"]
    assert ok[1].date == "2024-12-02"
    assert [b.where for b in bad] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "date" in bad[1].message and "empty" in bad[2].message


def test_plain_text_needs_a_date(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("Russia condemned the strike.", encoding="utf-8")
    (problem,) = read_articles(path)
    assert isinstance(problem, ArticleProblem) and "--date" in problem.message
    (article,) = read_articles(path, date="2024-11-30")
    assert article.date == "2024-11-30" and article.id == "article"


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\x00\x01\x02binary")
    (problem,) = read_articles(path, date="2024-11-30")
    assert "binary" in problem.message


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_articles(tmp_path / "nope.txt"))
