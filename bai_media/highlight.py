"""Pygments highlighting for code cells and fenced code: one formatter, cached lexers, and
regular-expression lexers that try only the rules that can match where they stand.

Pygments' :class:`~pygments.lexer.RegexLexer` tries its current state's rules in order at every
token, and most fail at their first character: Python's root state has 56 rules, of which about
ten can start with a letter. Each rule's possible first characters follow from its regular
expression (parsed with :mod:`re`'s own parser); :func:`dispatched` gives a lexer that, at each
position, tries in order only the rules that can start with the character there. A rule left out
cannot match at that position, so the first rule that matches, and with it every token and state
change, is the one Pygments would find: the same tokens, with less work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from types import MethodType
from typing import Any

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer, RegexLexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.token import Error, Whitespace, _TokenType
from pygments.util import ClassNotFound

FORMATTER = HtmlFormatter(cssclass="highlight")


@lru_cache(maxsize=256)
def lexer(language: str, stripnl: bool = True) -> Lexer:
    """The lexer for a language name (plain text if unknown), built once: lexers keep no state
    between calls, so one serves every thread."""
    try:
        found = get_lexer_by_name(language, stripnl=stripnl) if language else TextLexer(stripnl=stripnl)
    except ClassNotFound:
        found = TextLexer(stripnl=stripnl)
    return dispatched(found)


def dispatched(found: Lexer) -> Lexer:
    """``found``, trying only the rules that can match at each position, if it runs Pygments'
    plain RegexLexer loop (lexers with their own loop are left as they are)."""
    if (_ANALYSED and isinstance(found, RegexLexer)
            and type(found).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed):
        found.get_tokens_unprocessed = MethodType(_tokens_unprocessed, found)  # type: ignore[method-assign]
    return found


# -- which characters a rule can start with -------------------------------------------------------

#: A rule that may match anything, or the empty string: tried at every position.
_ANY = None
try:  # re's own parser is private: a Python that moves it gets Pygments' plain loop, nothing worse
    import re._constants as sre_c
    import re._parser as sre_parse

    _CATEGORIES = {sre_c.CATEGORY_DIGIT: r"\d", sre_c.CATEGORY_NOT_DIGIT: r"\D", sre_c.CATEGORY_SPACE: r"\s",
                   sre_c.CATEGORY_NOT_SPACE: r"\S", sre_c.CATEGORY_WORD: r"\w", sre_c.CATEGORY_NOT_WORD: r"\W"}
    _REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT)
    _ZERO_WIDTH = (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT)
    _ANALYSED = True
except (ImportError, AttributeError):  # pragma: no cover - depends on the Python version
    _ANALYSED = False
_FLAGS = re.IGNORECASE | re.ASCII


class _Firsts:
    """One-character patterns, one of which the first character of any match must match;
    ``wide`` if one of them may match a non-ASCII character (when unsure: yes), ``nullable``
    if the pattern can match without consuming a character."""

    __slots__ = ("parts", "wide", "nullable")

    def __init__(self, parts: list[str], wide: bool, nullable: bool) -> None:
        self.parts = parts
        self.wide = wide
        self.nullable = nullable


def _literal(code: int, flags: int) -> _Firsts:
    # Case-insensitive, an ASCII letter also matches non-ASCII ones (the Kelvin sign for "k").
    wide = code > 127 or bool(flags & re.IGNORECASE and chr(code).isalpha())
    return _Firsts([_with_flags(re.escape(chr(code)), flags)], wide, False)


def _char_class(items: list[tuple[Any, Any]], flags: int) -> _Firsts | None:
    """A parsed ``[...]`` set written back as a character class for testing ASCII characters
    (case-sensitive, what lies beyond ASCII only sets ``wide``); None for what we do not write."""
    ignore = bool(flags & re.IGNORECASE)
    negate, wide = False, ignore
    out = []
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = wide = True
        elif op is sre_c.LITERAL:
            wide = wide or av > 127
            if av < 128 or ignore:
                out.append(re.escape(chr(av)))
        elif op is sre_c.RANGE:
            low, high = av
            wide = wide or high > 127
            if low < 128 or ignore:
                out.append(f"{re.escape(chr(low))}-{re.escape(chr(high if ignore else min(high, 127)))}")
        elif op is sre_c.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
            wide = True
        else:
            return None
    if out:
        part = "[" + ("^" if negate else "") + "".join(out) + "]"
    else:
        part = "[\\x00-\\x7f]" if negate else "(?!)"
    return _Firsts([_with_flags(part, flags)], wide, False)


def _with_flags(part: str, flags: int) -> str:
    marks = ("i" if flags & re.IGNORECASE else "") + ("a" if flags & re.ASCII else "")
    return f"(?{marks}:{part})" if marks else part


def _item_firsts(op: Any, av: Any, flags: int) -> _Firsts | None:
    if op is sre_c.LITERAL:
        return _literal(av, flags)
    if op is sre_c.NOT_LITERAL:
        return _Firsts([_with_flags(f"[^{re.escape(chr(av))}]", flags)], True, False)
    if op is sre_c.IN:
        return _char_class(av, flags)
    if op is sre_c.BRANCH:
        parts: list[str] = []
        wide = nullable = False
        for alternative in av[1]:
            found = _seq_firsts(alternative, flags)
            if found is None:
                return None
            parts += found.parts
            wide = wide or found.wide
            nullable = nullable or found.nullable
        return _Firsts(parts, wide, nullable)
    if op is sre_c.SUBPATTERN:
        _, add, remove, pattern = av
        if (add | remove) & re.LOCALE:
            return None
        return _seq_firsts(pattern, (flags | add) & ~remove)
    if op is sre_c.ATOMIC_GROUP:
        return _seq_firsts(av, flags)
    if op in _REPEATS:
        low, _, pattern = av
        found = _seq_firsts(pattern, flags)
        return None if found is None else _Firsts(found.parts, found.wide, found.nullable or low == 0)
    if op in _ZERO_WIDTH:  # consumes nothing: the characters after it decide (ignoring it admits more)
        return _Firsts([], False, True)
    return None  # back-references, conditionals: anything


def _seq_firsts(items: Any, flags: int) -> _Firsts | None:
    parts: list[str] = []
    wide = False
    for op, av in items:
        found = _item_firsts(op, av, flags)
        if found is None:
            return None
        parts += found.parts
        wide = wide or found.wide
        if not found.nullable:
            return _Firsts(parts, wide, False)
    return _Firsts(parts, wide, True)


def _first_chars(rexmatch: Callable[..., Any]) -> tuple[frozenset[str], bool] | None:
    """The ASCII characters a match of the rule can start with, and whether it can start with a
    non-ASCII one; None: anything (or nothing, an empty match)."""
    pattern = getattr(rexmatch, "__self__", None)
    if not isinstance(pattern, re.Pattern) or getattr(rexmatch, "__name__", "") != "match":
        return _ANY
    if not isinstance(pattern.pattern, str) or pattern.flags & re.LOCALE:
        return _ANY
    return _pattern_first_chars(pattern.pattern, pattern.flags)


@lru_cache(maxsize=4096)
def _pattern_first_chars(source: str, flags: int) -> tuple[frozenset[str], bool] | None:
    # States share most rules (Pygments' include), so each pattern is read once.
    try:
        found = _seq_firsts(sre_parse.parse(source, flags), flags & _FLAGS)
    except (re.error, RecursionError, ValueError):
        return _ANY
    if found is None or found.nullable:
        return _ANY
    test = re.compile("|".join(found.parts) or "(?!)").fullmatch
    return frozenset(chr(code) for code in range(128) if test(chr(code))), found.wide


class _State:
    """A state's rules, and for each ASCII character the rules that can start with it; other
    characters get every rule that can start with some non-ASCII character. Without ``tables``,
    every character gets every rule (Pygments' own way)."""

    __slots__ = ("rules", "by_char", "other")

    def __init__(self, rules: list[tuple[Any, Any, Any]], tables: bool = True) -> None:
        self.rules = rules
        if not tables:
            self.by_char: dict[str, list[tuple[Any, Any, Any]]] = {}
            self.other = rules
            return
        starts = [_first_chars(rule[0]) for rule in rules]
        self.by_char = {chr(code): [rule for rule, first in zip(rules, starts) if first is _ANY or chr(code) in first[0]]
                        for code in range(128)}
        self.other = [rule for rule, first in zip(rules, starts) if first is _ANY or first[1]]


#: Rule lists (one per lexer state) and their per-character tables, built on first use; one per
#: state of the lexers in use, so bounded.
_STATES: dict[int, _State] = {}
_PLAIN: dict[int, _State] = {}
#: Characters a lexer class lexes the plain way before its tables are built: building them costs
#: about what lexing this much text the plain way does (10-15 ms for Python), which a notebook
#: with little code should not pay.
WARM_CHARS = 10_000
_lexed: dict[type, int] = {}


def _state(rules: list[tuple[Any, Any, Any]]) -> _State:
    state = _STATES.get(id(rules))
    if state is None or state.rules is not rules:
        state = _STATES[id(rules)] = _State(rules)
    return state


def _plain(rules: list[tuple[Any, Any, Any]]) -> _State:
    state = _PLAIN.get(id(rules))
    if state is None or state.rules is not rules:
        state = _PLAIN[id(rules)] = _State(rules, tables=False)
    return state


#: Matches in a row that consume nothing before the position is taken as matched by no rule (and
#: the states start over). Some of Pygments' lexers loop forever on some text (MCSchema on
#: ``<!--`` pushes states without end); a lexer that works needs a handful.
MAX_STALLS = 100


def _tokens_unprocessed(self: RegexLexer, text: str, stack: tuple[str, ...] = ("root",)) -> Iterator[tuple[int, Any, str]]:
    """:meth:`RegexLexer.get_tokens_unprocessed` as Pygments writes it, with the rules tried at a
    position narrowed to those that can start with its character (once the lexer's class has
    lexed :data:`WARM_CHARS`), and loops of empty matches cut after :data:`MAX_STALLS`."""
    lexed = _lexed.get(type(self), 0)
    _lexed[type(self)] = lexed + len(text)
    state_of = _state if lexed >= WARM_CHARS else _plain
    pos = 0
    end = len(text)
    tokendefs = self._tokens
    statestack = list(stack)
    statetokens = tokendefs[statestack[-1]]
    state = state_of(statetokens)
    stalls = 0
    while 1:
        rules = state.by_char.get(text[pos], state.other) if pos < end else statetokens
        matched = False
        for rexmatch, action, new_state in rules:
            m = rexmatch(text, pos)
            if m:
                if m.end() > pos:
                    stalls = 0
                elif stalls >= MAX_STALLS:  # a loop of empty matches: no rule matches here after all
                    statestack = list(stack)
                    statetokens = tokendefs[statestack[-1]]
                    state = state_of(statetokens)
                    break
                else:
                    stalls += 1
                matched = True
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        yield from action(self, m)
                pos = m.end()
                if new_state is not None:
                    # state transition
                    if isinstance(new_state, tuple):
                        for name in new_state:
                            if name == "#pop":
                                if len(statestack) > 1:
                                    statestack.pop()
                            elif name == "#push":
                                statestack.append(statestack[-1])
                            else:
                                statestack.append(name)
                    elif isinstance(new_state, int):
                        # pop, but keep at least one state on the stack
                        if abs(new_state) >= len(statestack):
                            del statestack[1:]
                        else:
                            del statestack[new_state:]
                    elif new_state == "#push":
                        statestack.append(statestack[-1])
                    else:
                        raise AssertionError(f"wrong state def: {new_state!r}")
                    statetokens = tokendefs[statestack[-1]]
                    state = state_of(statetokens)
                break
        if not matched:
            # no rule matched: at a newline, back to the root state; else one error character
            stalls = 0
            try:
                if text[pos] == "\n":
                    statestack = ["root"]
                    statetokens = tokendefs["root"]
                    state = state_of(statetokens)
                    yield pos, Whitespace, "\n"
                    pos += 1
                    continue
                yield pos, Error, text[pos]
                pos += 1
            except IndexError:
                break
