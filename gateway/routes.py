"""HttpRule path templates: parsing, compiling every binding into a route table, and matching.

Grammar (google/api/http.proto):
    Template = "/" Segments [ Verb ] ;  Segments = Segment { "/" Segment } ;
    Segment = "*" | "**" | LITERAL | Variable ;  Variable = "{" FieldPath [ "=" Segments ] "}" ;
    Verb = ":" LITERAL ;
Matching follows grpc-gateway: the verb is the suffix of the last path segment, literal segments beat
variables, `*` beats `**`. A single-segment variable is fully percent-decoded; a multi-segment one keeps
`%2F` encoded, as the spec says. When nothing matches the raw segments, the match is retried with `%2F`
decoded into separators (grpc-gateway's default), so tools that encode a whole `profiles/x` value work.
Compiles once at startup; must not know about particular RPCs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from urllib.parse import unquote

from google.api import http_pb2

from gateway.contract import Rpc

FieldPath = tuple[str, ...]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENCODED_SLASH = re.compile(r"%2[Ff]")


class TemplateError(ValueError):
    """A path template does not follow the HttpRule grammar."""


class Kind(IntEnum):
    """A segment's kind; the order is the match precedence (higher wins)."""

    MULTI = 0
    SINGLE = 1
    LITERAL = 2


@dataclass(frozen=True)
class Segment:
    """One compiled path segment."""

    kind: Kind
    literal: str = ""


@dataclass(frozen=True)
class Variable:
    """A variable binding segments [start, end) to a request field path; end is None after `**`."""

    path: FieldPath
    start: int
    end: int


@dataclass(frozen=True)
class Template:
    """A compiled path template."""

    source: str
    segments: tuple[Segment, ...]
    variables: tuple[Variable, ...]
    verb: str

    @property
    def multi_at(self) -> int | None:
        """The index of the `**` segment, if any."""
        for i, seg in enumerate(self.segments):
            if seg.kind is Kind.MULTI:
                return i
        return None

    def rank(self) -> tuple[int, ...]:
        """Precedence key: literals before `*` before `**`, segment by segment."""
        return tuple(seg.kind for seg in self.segments)

    def match(self, components: Sequence[str], verb: str) -> dict[FieldPath, str] | None:
        """Binds variables from raw (still percent-encoded) path components, or None."""
        if verb != self.verb:
            return None
        multi = self.multi_at
        n, size = len(components), len(self.segments)
        if (multi is None and n != size) or (multi is not None and n < size - 1):
            return None
        # Map each template segment to the span of components it covers.
        spans: list[tuple[int, int]] = []
        extra = n - size
        pos = 0
        for i, seg in enumerate(self.segments):
            width = extra + 1 if i == multi else 1
            spans.append((pos, pos + width))
            if seg.kind is Kind.LITERAL and unquote(components[pos]) != seg.literal:
                return None
            if seg.kind is Kind.SINGLE and components[pos] == "":
                return None
            pos += width
        bound: dict[FieldPath, str] = {}
        for var in self.variables:
            first, last = spans[var.start][0], spans[var.end - 1][1]
            raw = components[first:last]
            if var.end - var.start == 1 and self.segments[var.start].kind is not Kind.MULTI:
                bound[var.path] = unquote(raw[0])
            else:
                bound[var.path] = "/".join(_decode_keeping_slash(part) for part in raw)
        return bound


def _decode_keeping_slash(part: str) -> str:
    pieces = _ENCODED_SLASH.split(part)
    slashes = _ENCODED_SLASH.findall(part)
    out = unquote(pieces[0])
    for slash, piece in zip(slashes, pieces[1:], strict=True):
        out += slash + unquote(piece)
    return out


def _split_outside_braces(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise TemplateError(f"unbalanced '}}' in {text!r}")
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise TemplateError(f"unbalanced '{{' in {text!r}")
    parts.append("".join(current))
    return parts


def _plain_segment(text: str, source: str) -> Segment:
    if text == "*":
        return Segment(Kind.SINGLE)
    if text == "**":
        return Segment(Kind.MULTI)
    if not text or any(c in text for c in "{}*="):
        raise TemplateError(f"bad segment {text!r} in {source!r}")
    return Segment(Kind.LITERAL, unquote(text))


def parse_template(source: str) -> Template:
    """Parses and compiles an HttpRule path template such as `/v1/{name=profiles/*}:export`."""
    if not source.startswith("/"):
        raise TemplateError(f"template must start with '/': {source!r}")
    raw_segments = _split_outside_braces(source[1:], "/")
    last_parts = _split_outside_braces(raw_segments[-1], ":")
    verb = ""
    if len(last_parts) > 1:
        verb = last_parts[-1]
        raw_segments[-1] = ":".join(last_parts[:-1])
        if not verb or not raw_segments[-1]:
            raise TemplateError(f"bad verb in {source!r}")
    segments: list[Segment] = []
    variables: list[Variable] = []
    for raw in raw_segments:
        if not (raw.startswith("{") and raw.endswith("}")):
            segments.append(_plain_segment(raw, source))
            continue
        name, _, inner = raw[1:-1].partition("=")
        path = tuple(name.split("."))
        if not all(_IDENT.match(p) for p in path):
            raise TemplateError(f"bad field path {name!r} in {source!r}")
        start = len(segments)
        for part in (inner or "*").split("/"):
            segments.append(_plain_segment(part, source))
        variables.append(Variable(path, start, len(segments)))
    if sum(seg.kind is Kind.MULTI for seg in segments) > 1:
        raise TemplateError(f"more than one '**' in {source!r}")
    if len({v.path for v in variables}) != len(variables):
        raise TemplateError(f"a field is bound twice in {source!r}")
    return Template(source, tuple(segments), tuple(variables), verb)


_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Binding:
    """One HTTP binding of an RPC (the rule itself or one of its additional_bindings)."""

    http_method: str
    template: Template
    body: str
    response_body: str
    rpc: Rpc
    index: int

    @property
    def path_fields(self) -> frozenset[FieldPath]:
        """The request field paths bound by the path template."""
        return frozenset(v.path for v in self.template.variables)


def _rule_method(rule: http_pb2.HttpRule) -> tuple[str, str]:
    pattern = rule.WhichOneof("pattern")
    if pattern is None:
        raise TemplateError("HttpRule has no pattern")
    if pattern == "custom":
        return rule.custom.kind.upper(), rule.custom.path
    return pattern.upper(), str(getattr(rule, pattern))


def bindings_of(rpc: Rpc) -> Iterator[Binding]:
    """The rule and its additional_bindings, compiled."""
    rules = [rpc.rule, *rpc.rule.additional_bindings]
    for index, rule in enumerate(rules):
        method, path = _rule_method(rule)
        yield Binding(method, parse_template(path), rule.body, rule.response_body, rpc, index)


@dataclass(frozen=True)
class Match:
    """A binding and the path variables it bound."""

    binding: Binding
    params: dict[FieldPath, str]


@dataclass(frozen=True)
class NoMatch:
    """No binding matched; `allowed` lists the methods that would match the path (405 if any)."""

    allowed: tuple[str, ...] = ()


@dataclass
class RouteTable:
    """Every binding grouped by HTTP method, tried in precedence order."""

    by_method: dict[str, list[Binding]] = field(default_factory=dict)

    @classmethod
    def build(cls, rpcs: Iterable[Rpc]) -> RouteTable:
        table = cls()
        for rpc in rpcs:
            for binding in bindings_of(rpc):
                table.by_method.setdefault(binding.http_method, []).append(binding)
        for bindings in table.by_method.values():
            # Verbs first (a verb-less `{name=x/*}` would swallow `x/1:verb`), then by segment precedence.
            bindings.sort(key=lambda b: (bool(b.template.verb), b.template.rank()), reverse=True)
        return table

    def bindings(self) -> Iterator[Binding]:
        for bindings in self.by_method.values():
            yield from bindings

    @staticmethod
    def _try(bindings: Sequence[Binding], components: list[str]) -> Match | None:
        last = components[-1]
        for binding in bindings:
            verb = binding.template.verb
            comps = components
            if verb:
                suffix = ":" + verb
                if not last.endswith(suffix) or len(last) == len(suffix):
                    continue
                comps = [*components[:-1], last[: -len(suffix)]]
            params = binding.template.match(comps, verb)
            if params is not None:
                return Match(binding, params)
        return None

    def match(self, method: str, raw_path: str) -> Match | NoMatch:
        """Finds the binding for a request; `raw_path` is the path as sent, still percent-encoded."""
        if not raw_path.startswith("/"):
            return NoMatch()
        candidates = [raw_path[1:].split("/")]
        if _ENCODED_SLASH.search(raw_path):
            candidates.append(_ENCODED_SLASH.sub("/", raw_path)[1:].split("/"))
        for components in candidates:
            found = self._try(self.by_method.get(method, ()), components)
            if found is not None:
                return found
        allowed = tuple(
            sorted(
                other
                for other, bindings in self.by_method.items()
                if other != method and any(self._try(bindings, comps) for comps in candidates)
            )
        )
        return NoMatch(allowed)
