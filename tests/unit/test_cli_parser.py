"""The command line built for one command (the nightly report's quick start) reads and answers exactly as
the whole command line does: the same arguments, the same help, the same errors."""

from __future__ import annotations

import argparse
import importlib

import pytest

from caseworker import cli


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every command's parser by its words (``db upgrade``), at every level."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found[name] = child
                found.update({f"{name} {k}": v for k, v in subcommands(child).items()})
    return found


def test_the_list_of_commands_each_module_adds_is_what_it_registers() -> None:
    for module, names in cli.COMMAND_MODULES.items():
        sub = cli.Parser(prog="caseworker").add_subparsers(dest="command", parser_class=cli.Parser)
        registered = importlib.import_module(module).register(sub)
        assert tuple(sub.choices) == names == tuple(registered), module


def test_every_command_built_alone_has_the_help_it_has_in_the_whole_command_line() -> None:
    whole = subcommands(cli.build_parser())
    assert set(cli.KNOWN_COMMANDS) == {words for words in whole if " " not in words}
    for command in cli.KNOWN_COMMANDS:
        alone = subcommands(cli.build_parser(command))
        built = {words.split()[0] for words in alone}  # the command, and any its module adds with it
        assert command in built and len(built) <= 3
        for words, parser in alone.items():
            assert parser.format_help() == whole[words].format_help(), words


@pytest.mark.parametrize(("argv", "command"), [
    (["deadlines", "--json"], "deadlines"),
    (["--database", "sqlite:///x.db", "-vv", "--demo", "plans", "--json"], "plans"),
    (["--database=sqlite:///x.db", "--as", "amy", "--verbose", "db", "upgrade"], "db"),
    (["-v", "balance"], "balance"),
    ([], None),  # the desktop
    (["-h"], None),
    (["--help", "deadlines"], None),
    (["--data", "sqlite:///x.db", "deadlines"], None),  # argparse's abbreviation: the whole parser reads it
    (["--database", "-v", "deadlines"], None),
    (["--database"], None),
    (["deadline"], None),
    (["--", "deadlines"], None),
])
def test_the_command_is_told_from_plain_words_only(argv: list[str], command: str | None) -> None:
    assert cli.command_named(argv) == command


@pytest.mark.parametrize("argv", [
    ["--database", "sqlite:///x.db", "deadlines", "--json", "--all", "--today", "2025-03-03", "-v"],
    ["-vv", "deadlines", "--caseworker", "amy"],
    ["--as", "amy", "staff", "add", "bob", "--name", "Bob Brown", "--role", "caseworker"],
    ["--demo", "letters", "chase", "--out", "chase.pdf", "--today", "2025-03-03"],
])
def test_a_command_reads_the_same_arguments_built_alone(argv: list[str]) -> None:
    command = cli.command_named(argv)
    assert command is not None
    assert cli.build_parser(command).parse_args(argv) == cli.build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [
    ["deadlines", "--today", "2025-13-01"],
    ["deadlines", "--bogus"],
    ["plans", "--caseworker", " "],
    ["--as", " ", "deadlines"],
    ["db", "nonsense"],
])
def test_a_bad_argument_is_the_same_error_built_alone(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    command = cli.command_named(argv)
    assert command is not None
    said = []
    for parser in (cli.build_parser(command), cli.build_parser()):
        with pytest.raises(SystemExit) as stopped:
            parser.parse_args(argv)
        said.append((stopped.value.code, capsys.readouterr().err))
    assert said[0] == said[1] and said[0][0] == cli.EXIT_USAGE and said[0][1].startswith("caseworker")
