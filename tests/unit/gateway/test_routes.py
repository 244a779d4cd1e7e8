"""Path templates and route matching, after the examples in google/api/http.proto."""

from __future__ import annotations

import pytest

from gateway.routes import Kind, Match, NoMatch, RouteTable, TemplateError, parse_template


def _match(table: RouteTable, method: str, path: str) -> Match:
    found = table.match(method, path)
    assert isinstance(found, Match), found
    return found


def test_template_grammar_compiles_variables_wildcards_and_verb() -> None:
    t = parse_template("/v1/{name=shelves/*/books/**}:download")
    assert [s.kind for s in t.segments] == [Kind.LITERAL, Kind.LITERAL, Kind.SINGLE, Kind.LITERAL, Kind.MULTI]
    assert t.verb == "download"
    assert t.variables[0].path == ("name",) and (t.variables[0].start, t.variables[0].end) == (1, 5)


def test_verb_after_a_literal_segment() -> None:
    t = parse_template("/v1/auth:register")
    assert [s.literal for s in t.segments] == ["v1", "auth"] and t.verb == "register"


@pytest.mark.parametrize(
    "bad",
    ["v1/x", "/v1/{name", "/v1/name}", "/v1/{a.b-c}", "/v1/{x}/{x}", "/v1/**/a/**", "/v1/x:", "/v1/a{b}"],
)
def test_malformed_templates_are_rejected(bad: str) -> None:
    with pytest.raises(TemplateError):
        parse_template(bad)


def test_single_variable(table: RouteTable) -> None:
    found = _match(table, "GET", "/v1/messages/123456")
    assert found.binding.rpc.name == "GetMessage"
    assert found.params == {("message_id",): "123456"}


def test_nested_field_path_variable(table: RouteTable) -> None:
    found = _match(table, "GET", "/v1/messages/123456/foo")
    assert found.binding.rpc.name == "GetSubMessage"
    assert found.params == {("message_id",): "123456", ("sub", "subfield"): "foo"}


def test_additional_binding(table: RouteTable) -> None:
    found = _match(table, "GET", "/v1/users/me/messages/123456")
    assert found.binding.rpc.name == "GetMessage" and found.binding.index == 1
    assert found.params == {("user_id",): "me", ("message_id",): "123456"}


def test_literal_beats_variable_and_verb_beats_plain(table: RouteTable) -> None:
    assert _match(table, "GET", "/v1/messages:search").binding.rpc.name == "SearchMessages"
    text = _match(table, "GET", "/v1/messages/42:text")
    assert text.binding.rpc.name == "GetText" and text.params == {("name",): "messages/42"}


def test_double_star_matches_many_segments_before_the_verb(table: RouteTable) -> None:
    found = _match(table, "GET", "/v1/files/a/b/c.txt:download")
    assert found.binding.rpc.name == "Download"
    assert found.params == {("name",): "files/a/b/c.txt"}


def test_double_star_matches_zero_segments(table: RouteTable) -> None:
    assert _match(table, "GET", "/v1/files:download").params == {("name",): "files"}


def test_percent_decoding_single_vs_multi_segment(table: RouteTable) -> None:
    single = _match(table, "GET", "/v1/users/a%2Fb%20c/messages/x")
    assert single.params[("user_id",)] == "a/b c"
    multi = _match(table, "GET", "/v1/files/dir%2Fx/y%20z:download")
    assert multi.params == {("name",): "files/dir%2Fx/y z"}


def test_encoded_slash_in_a_whole_resource_name_still_routes(table: RouteTable) -> None:
    found = _match(table, "GET", "/v1/messages%2F42:text")
    assert found.binding.rpc.name == "GetText" and found.params == {("name",): "messages/42"}


def test_post_with_verb_after_literal(table: RouteTable) -> None:
    assert _match(table, "POST", "/v1/auth:register").binding.rpc.name == "Register"
    assert _match(table, "POST", "/v1/messages:batchCreate").binding.rpc.name == "BatchCreateMessages"


def test_wrong_method_lists_allowed_methods(table: RouteTable) -> None:
    assert table.match("DELETE", "/v1/messages") == NoMatch(("POST",))
    assert table.match("PUT", "/v1/messages/1") == NoMatch(("GET", "PATCH"))


@pytest.mark.parametrize(
    "path",
    ["/v2/messages", "/v1/messages/1/2/3", "/v1/messages/", "/v1/auth:login", "/v1/messages:nope", "v1"],
)
def test_unknown_paths_do_not_match(table: RouteTable, path: str) -> None:
    assert table.match("GET", path) == NoMatch(())


def test_every_jobmesh_binding_compiles_and_routes() -> None:
    from gateway.contract import Contract
    from services.common.descriptors import load_descriptor_set

    table = RouteTable.build(Contract(load_descriptor_set()).rpcs)
    assert _match(table, "GET", "/v1/jobs:search").binding.rpc.name == "SearchJobs"
    assert _match(table, "GET", "/v1/jobs/j1").binding.rpc.name == "GetJob"
    assert _match(table, "GET", "/v1/profiles/p1/resumes/r1").params == {("name",): "profiles/p1/resumes/r1"}
    assert _match(table, "GET", "/v1/profiles/p1/resumes/r1:download").binding.rpc.name == "DownloadResume"
    assert _match(table, "PATCH", "/v1/profiles/p1").params == {("profile", "name"): "profiles/p1"}
    assert _match(table, "GET", "/v1/applications/a1:watch").binding.rpc.name == "WatchApplication"
    assert _match(table, "POST", "/v1/auth:register").binding.rpc.service == "jobmesh.auth.v1.AuthService"
