"""Sessions: `nox -s tests` runs the suite, `nox -s lint` checks style, `nox -s bench` times one process
against bare jieba, stage by stage, `nox -s bench_numbers` times the number reader, `nox -s bench_report` times
the HTML report against the run, `nox -s bench_memory` shows peak memory at N and 4N reports, `nox -s
bench_engines` compares the local and Dask engines, `nox -s golden [-- --update]` checks (or rewrites) the
pinned tables of the seeds and test corpora, `nox -s compare_money` scores money mentions against JioNLP and
`nox -s compare_html_cleaners` our furniture cleaner against trafilatura and jusText (each in its own venv)."""

import nox

nox.options.sessions = ["tests", "lint"]


@nox.session
def tests(session):
    session.install(".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session):
    session.install("ruff>=0.5")
    session.run("ruff", "check", "pipeline", "tests", "bench", "noxfile.py")


@nox.session
def bench(session):
    session.install(".[test]")
    session.run("python", "bench/bench_speed.py", *session.posargs)


@nox.session
def bench_numbers(session):
    session.install(".")
    session.run("python", "bench/bench_numbers.py", "--against", "ebb3c55", *session.posargs)


@nox.session
def bench_report(session):
    session.install(".[report]")
    session.run("python", "bench/bench_report.py", *session.posargs)


@nox.session
def bench_memory(session):
    session.install(".[test]")
    session.run("python", "bench/bench_memory.py", *session.posargs)


@nox.session
def bench_engines(session):
    session.install(".[test]")
    session.run("python", "bench/bench_engines.py", *session.posargs)


@nox.session
def compare_money(session):
    session.install(".", "jionlp")
    session.run("python", "bench/compare_money.py", *session.posargs)


@nox.session
def compare_html_cleaners(session):
    """Saved pages: our furniture cleaner against trafilatura and jusText (issue 13)."""
    session.install(".", "trafilatura", "justext", "lxml_html_clean")
    session.run("python", "bench/compare_html_cleaners.py", *session.posargs)


@nox.session
def golden(session):
    session.install(".[test]")
    session.run("python", "-m", "tests.golden", *session.posargs)
