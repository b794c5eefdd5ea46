"""Sessions: `nox -s tests` runs the suite, `nox -s lint` checks style, `nox -s bench` times one process
against bare jieba, stage by stage,
`nox -s bench_report` times the HTML report against the run, `nox -s compare_money` scores money
mentions against JioNLP (installed in its own venv only), `nox -s golden [-- --update]` checks (or
rewrites) the pinned tables of the seeds and test corpora."""

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
def bench_report(session):
    session.install(".[report]")
    session.run("python", "bench/bench_report.py", *session.posargs)


@nox.session
def compare_money(session):
    session.install(".", "jionlp")
    session.run("python", "bench/compare_money.py", *session.posargs)


@nox.session
def golden(session):
    session.install(".[test]")
    session.run("python", "-m", "tests.golden", *session.posargs)
