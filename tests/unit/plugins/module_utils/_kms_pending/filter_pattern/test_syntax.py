# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filter-pattern engine against tables of (pattern, message, expected match or extracted values).

Most rows are AWS's own examples ("Filter pattern syntax for metric filters, subscription filters, filter log
events, and Live Tail", CloudWatch Logs User Guide) with the verdict AWS documents; the others pin down the
engine's reading of what the documentation leaves implicit (see the module docs of filter_pattern).
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import constants
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending import filter_pattern
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import FilterPatternError
from ansible_collections.kmsguard.alarms.plugins.module_utils._kms_pending.filter_pattern import compile_pattern

# AWS's example JSON log event, plus properties for the cases the documentation does not show.
EVENT = json.dumps(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": None,
        "ThisFlag": True,
        "OtherFlag": False,
        "cluster.name": "c",
        "latency": 50,
        "ratio": 0.25,
        "bytes": 1500,
        "code": "404",
        "account": "012345678901",
        "nested": {"deep": {"value": "x"}},
        "empty": "",
        "spaced": "a b",
        "quoted": 'say "hi"',
    }
)
# AWS's example for compound expressions.
COMPOUND = json.dumps(
    {
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
    }
)
PENDING = json.dumps(
    {
        "eventSource": "kms.amazonaws.com",
        "eventName": "Decrypt",
        "errorCode": "KMSInvalidStateException",
        "errorMessage": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        " is pending deletion.",
    }
)

JSON_ROWS = [
    ('{ $.eventType = "UpdateTrail" }', EVENT, {}),
    ("{ $.eventType = UpdateTrail }", EVENT, {}),
    ('{ $.eventType = "updatetrail" }', EVENT, None),
    ('{ $.eventType != "UpdateTrail" }', EVENT, None),
    ("{ $.sourceIPAddress != 123.123.* }", EVENT, {}),
    ("{ $.sourceIPAddress = 111.* }", EVENT, {}),
    ("{ $.eventType = *Trail }", EVENT, {}),
    ("{ $.eventType = Up*ail }", EVENT, {}),
    ('{ $.eventType = "*date*" }', EVENT, {}),
    ("{ $.eventType = Update }", EVENT, None),
    ('{ $.arrayKey[0] = "value" }', EVENT, {}),
    ('{ $.arrayKey[1] = "value" }', EVENT, None),
    ('{ $.arrayKey[5] = "value" }', EVENT, None),
    ("{ $.objectList[1].id = 2 }", EVENT, {}),
    ('{ $.arrayKey = "value" }', EVENT, None),
    ('{ $.arrayKey != "value" }', EVENT, None),
    ("{ $.nested = * }", EVENT, None),
    ("{ $.nested.deep.value = x }", EVENT, {}),
    ("{ $.SomeObject IS NULL }", EVENT, {}),
    ("{ $.eventType IS NULL }", EVENT, None),
    ("{ $.Missing IS NULL }", EVENT, None),
    ("{ $.SomeOtherObject NOT EXISTS }", EVENT, {}),
    ("{ $.SomeObject NOT EXISTS }", EVENT, None),
    ("{ $.ThisFlag IS TRUE }", EVENT, {}),
    ("{ $.OtherFlag IS FALSE }", EVENT, {}),
    ("{ $.ThisFlag IS FALSE }", EVENT, None),
    ("{ $.ThisFlag = true }", EVENT, None),
    ("{ $.SomeObject = * }", EVENT, None),
    ("{ $.Missing = * }", EVENT, None),
    ('{ $.Missing != "x" }', EVENT, None),
    ("{ $.latency = * }", EVENT, {}),
    ("{ $.latency = 50 }", EVENT, {}),
    ("{ $.latency = 50.0 }", EVENT, {}),
    ("{ $.latency >= 50 }", EVENT, {}),
    ("{ $.latency > 50 }", EVENT, None),
    ("{ $.latency < 5e1 }", EVENT, None),
    ("{ $.latency <= 5e1 }", EVENT, {}),
    ("{ $.latency != 51 }", EVENT, {}),
    ("{ $.ratio < 10e-1 }", EVENT, {}),
    ("{ $.bytes > +1000 }", EVENT, {}),
    ("{ $.bytes > -1.5e3 }", EVENT, {}),
    ("{ $.bytes = 1.5e+3 }", EVENT, {}),
    ("{ $.code = 404 }", EVENT, {}),
    ("{ $.code > 400 }", EVENT, {}),
    ("{ $.eventType > 5 }", EVENT, None),
    ("{ $.eventType != 5 }", EVENT, None),
    ("{ $.account = 012345678901 }", EVENT, {}),
    ('{ $.latency = "50" }', EVENT, {}),
    ("{ $.latency = 5* }", EVENT, {}),
    ("{ $.eventType = %Trail% }", EVENT, {}),
    ("{ $.eventType = %^Trail% }", EVENT, None),
    ("{ $.eventType != %Trail% }", EVENT, None),
    ("{ $.arrayKey[*] = %val.{2}% }", EVENT, {}),
    ("{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }", EVENT, {}),
    ("{ $.['cluster.name'] = \"c\" }", EVENT, {}),
    ("{ $.objectList[*].name = b }", EVENT, {}),
    ("{ $.objectList[*].id > 1 }", EVENT, {}),
    ('{ $.empty = "" }', EVENT, {}),
    ('{ $.spaced = "a b" }', EVENT, {}),
    ('{ $.quoted = "say \\"hi\\"" }', EVENT, {}),
    ('{$.eventType="UpdateTrail"&&$.latency=50}', EVENT, {}),
    ('{ $.eventType = "UpdateTrail" && $.latency = 51 }', EVENT, None),
    ('{ $.eventType = "x" || $.latency = 50 }', EVENT, {}),
    ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', COMPOUND, {}),
    ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', COMPOUND, None),
    (
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
        COMPOUND,
        {},
    ),
    (
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") '
        '&& $.actions[2] = "nonmatch" }',
        COMPOUND,
        None,
    ),
    ("{ $.coordinates[1][2] = 6 }", COMPOUND, {}),
    ("{ (($.user.id = 1)) }", COMPOUND, {}),
    ("{ " + "(" * 100 + "$.user.id = 1" + ")" * 100 + " }", COMPOUND, {}),
    ("{ " + "&&".join(["$.user.id=1"] * 70) + " }", COMPOUND, {}),
    ("[" + "," * 200 + "]", " ".join("x" * 201), {f"${number}": "x" for number in range(1, 202)}),
    ("{ $.foo = bar || $.foo = baz }", '{"foo": "baz"}', {}),
    ("{ $.a = 1 }", "a=1", None),
    ("{ $.a = 1 }", "[1]", None),
    ("{ $.a NOT EXISTS }", "not json", None),
    ("{ $.a = 1 }", '{"a": NaN}', None),
    (constants.FILTER_PATTERN, PENDING, {}),
    (constants.FILTER_PATTERN, PENDING.replace("pending deletion", "disabled"), None),
    (constants.FILTER_PATTERN, PENDING.replace("kms.amazonaws.com", "s3.amazonaws.com"), None),
]

TERMS_ROWS = [
    ("ERROR", "[ERROR] A fatal exception has occurred", {}),
    ("ERROR", "Exiting with ERRORCODE: -1", {}),
    ("ERROR", "error in lower case", None),
    ("ERROR ARGUMENTS", "[ERROR 419] MISSING ARGUMENTS", {}),
    ("ERROR ARGUMENTS", "[ERROR 400] BAD REQUEST", None),
    ("?ERROR ?ARGUMENTS", "[ERROR 400] BAD REQUEST", {}),
    ("?ERROR ?ARGUMENTS", "[INFO] all good", None),
    ("?ERROR ?ARGUMENTS REQUEST", "[INFO] REQUEST FAILED", {}),
    ("?ERROR ?ARGUMENTS REQUEST", "[ERROR] 400 BAD", None),
    ('"INTERNAL SERVER ERROR"', "[ERROR 500] INTERNAL SERVER ERROR", {}),
    ('"INTERNAL SERVER ERROR"', "[ERROR 500] INTERNAL ERROR SERVER", None),
    ("ERROR -ARGUMENTS", "[ERROR 400] BAD REQUEST", {}),
    ("ERROR -ARGUMENTS", "[ERROR 419] MISSING ARGUMENTS", None),
    ("-DEBUG", "INFO started", {}),
    ("-DEBUG", "DEBUG details", None),
    ('ERROR -"Exiting with"', "ERROR Exiting with code 1", None),
    ('" "', "anything at all", {}),
    ("Failed to process the request", "[ERROR] Unable to continue: Failed to process the request", {}),
    ("ERROR_CODE", "ERROR_CODE=5", {}),
]

SPACE_DELIMITED_ROWS = [
    (
        "[ip, user, username, timestamp, request, status_code, bytes]",
        '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
        {
            "$ip": "127.0.0.1",
            "$user": "-",
            "$username": "frank",
            "$timestamp": "10/Oct/2000:13:25:15 -0700",
            "$request": "GET /index.html HTTP/1.0",
            "$status_code": "404",
            "$bytes": "1534",
        },
    ),
    ("[ip, user, username, timestamp, request, status_code, bytes > 2000]", '1 - f [t] "r" 404 1534', None),
    ("[ip, user, username]", '1 - f [t] "r" 404 1534', None),
    ("[w1=ERROR, w2]", "ERROR message", {"$w1": "ERROR", "$w2": "message"}),
    ("[w1=ERROR, w2]", "ERROR WARN message", None),
    ("[w1=ERROR || w1=WARNING, w2]", "WARNING message", {"$w1": "WARNING", "$w2": "message"}),
    ("[w1!=ERROR && w1!=WARNING, w2]", "INFO message", {"$w1": "INFO", "$w2": "message"}),
    ("[w1!=ERROR && w1!=WARNING, w2]", "ERROR message", None),
    ("[(w1=ERROR || w1=WARN) && w1!=WARNX, w2]", "WARN message", {"$w1": "WARN", "$w2": "message"}),
    (
        "[ip=%127\\.0\\.0\\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
        '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
        {
            "$ip": "127.0.0.1",
            "$user": "Prod",
            "$username": "frank",
            "$timestamp": "10/Oct/2000:13:25:15 -0700",
            "$request": "GET /index.html HTTP/1.0",
            "$status_code": "404",
            "$bytes": "1534",
        },
    ),
    (
        "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
        '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 410 1534',
        {
            "$ip": "127.0.0.1",
            "$user": "Prod",
            "$username": "frank",
            "$timestamp": "10/Oct/2000:13:25:15 -0700",
            "$request": "GET /index.html HTTP/1.0",
            "$status_code": "410",
            "$bytes": "1534",
        },
    ),
    (
        "[ip, user, ..., status_code = 4* && status_code != 403, bytes]",
        '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 403 1534',
        None,
    ),
    (
        "[ip, user, ...]",
        "10.0.0.1 - a b c",
        {"$ip": "10.0.0.1", "$user": "-", "$3": "a", "$4": "b", "$5": "c"},
    ),
    (
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]",
        "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200",
        {
            "$logLevel": "INFO",
            "$date": "09/25/2014",
            "$time": "12:00:00",
            "$method": "GET",
            "$url": "/service/resource/67",
            "$response_time": "1200",
        },
    ),
    (
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]",
        "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310",
        None,
    ),
    ("[]", "a b", {"$1": "a", "$2": "b"}),
    ("[a, , c]", "x y z", {"$a": "x", "$2": "y", "$c": "z"}),
    ("[a, b > 10]", "x abc", None),
    ('[a = "GET *", b]', '"GET /x" y', {"$a": "GET /x", "$b": "y"}),
    ("[..., b = 2, ...]", "1 2 3 2", {"$1": "1", "$b": "2", "$3": "3", "$4": "2"}),
    ("[..., a, ..., b = 3]", "1 2 3", {"$a": "1", "$2": "2", "$b": "3"}),
    ("[..., a, ..., b = 9]", "1 2 3", None),
    ("[a, b = 2 && a = 1]", "1 2", {"$a": "1", "$b": "2"}),
    ("[a, b = 2 && a = 1]", "3 2", None),
]

REGEX_ROWS = [
    ("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST", {}),
    ("%^[hc]at%", "hat trick", {}),
    ("%^[hc]at%", "that", None),
    ("%[hc]at$%", "a cat", {}),
    ("%colou?r%", "color", {}),
    ("%a{3,5}%", "baaab", {}),
    ("%a{3,5}%", "aab", None),
    ("%a{,2}b%", "xaab", {}),
    ("%gra|ey%", "grey", {}),
    ("%^starting|^initializing|^shutting down%", "skipping initializing ...", None),
    ("%^starting|^initializing|^shutting down%", "shutting down now", {}),
    ("%abcc|ab[^c]$%", "aac ...", None),
    ("%\\[.\\]%", "value [7] here", {}),
    ("%ab*c%", "ac", {}),
    ("%ab+c%", "ac", None),
    ("%ab[0-9]*%", "ab", {}),
    ("%.at%", " at", {}),
    ("%\\d%", "port 80", {}),
    ("%\\D%", "8080", None),
    ("%\\s%", "a\tb", {}),
    ("%\\S%", "   ", None),
    ("%\\w%", "_", {}),
    ("%\\W%", "abc", None),
    ("%\\x3A%", "key:value", {}),
    ("%10\\.10\\.0\\.1%", "from 10010,051", None),
    ("%10.10.0.1%", "from 10010,051", {}),
    ("  %ERROR%  ", "ERROR", {}),
    ("", "anything", {}),
    ("   ", "anything", {}),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), JSON_ROWS + TERMS_ROWS + SPACE_DELIMITED_ROWS + REGEX_ROWS)
def test_match(pattern: str, message: str, expected: dict | None) -> None:
    assert compile_pattern(pattern).match(message) == expected


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        (constants.FILTER_PATTERN, "json"),
        ("ERROR -DEBUG", "terms"),
        ('"[ERROR]"', "terms"),
        ("[ip, user]", "space_delimited"),
        ("%ERROR%", "regex"),
        ("", "all"),
        (" \t ", "all"),
    ],
)
def test_kind(pattern: str, kind: str) -> None:
    assert compile_pattern(pattern).kind == kind


ERROR_ROWS = [
    ("{ $. = 1 }", 4, "expected a property selector after '$.'"),
    ("{ $.a. = 1 }", 6, "expected a property selector after '$.a.'"),
    ("{ $ = 1 }", 3, "expected a property selector such as '$.eventName' after '$'"),
    ("{ $.a = }", 8, "expected a value after '=', found '}'"),
    (
        "{ $.a > abc }",
        8,
        "operator '>' compares numbers: expected a number such as 10, -1.5 or 1e3, found 'abc'",
    ),
    ("{ $.a < 4* }", 8, "operator '<' compares numbers: expected a number such as 10, -1.5 or 1e3, found '4*'"),
    ("{ $.a = 1 ", 10, "expected '}' to close the JSON pattern, or '&&' / '||', found the end of the pattern"),
    ("{ $.a = 1 } x", 12, "expected nothing after the closing '}', found 'x'"),
    ("{ $.a = 1 & $.b = 2 }", 10, "expected '&&', found a single '&'"),
    ("{ $.a = 1 | $.b = 2 }", 10, "expected '||', found a single '|'"),
    ("{ $.a ! 1 }", 6, "expected '!=', found a single '!'"),
    (
        "{ $.a IS NOT NULL }",
        9,
        "expected IS NULL, IS TRUE, IS FALSE or NOT EXISTS after $.a (IS NOT is not supported), found IS 'NOT'",
    ),
    ("{ $.a EXISTS }", 6, "EXISTS is not supported: use NOT EXISTS, or $.a = * for any value"),
    ("{ $[0] = 1 }", 3, "an array index must follow a property, as in '$.items[0]'"),
    ("{ $.a[x] = 1 }", 5, "expected an array index such as [0], [*], or a quoted property name such as ['a.b']"),
    ("{ $.a[0 = 1 }", 5, "unterminated '[' in a property selector"),
    ("{ $.a[*].b[*] = 1 }", 2, "a property selector can contain only one wildcard (*)"),
    (
        "{ $.a[*] = 1 && $.b[*] = 1 && $.c.* = 1 && $.d[*] = 1 }",
        43,
        "a pattern can contain at most 3 wildcard selectors",
    ),
    ("{ $.a = %x% && $.b = %y% && $.c = %z% }", 34, "a pattern can contain at most 2 regular expressions"),
    ('{ $.a = "unterminated }', 8, "unterminated quoted string: the '\"' here is never closed"),
    ("{ ($.a = 1 }", 11, "expected ')' to close the parenthesis, or '&&' / '||', found '}'"),
    ("{ }", 2, "empty JSON pattern: expected a condition such as $.a = 1"),
    ("{ a = 1 }", 2, "expected a property selector such as '$.eventName', found 'a'"),
    ("{ $.a 1 }", 6, "expected an operator (=, !=, <, <=, >, >=), IS or NOT EXISTS after $.a, found '1'"),
    ("{ $.a = 1, $.b = 2 }", 9, "expected '}' to close the JSON pattern, or '&&' / '||', found ','"),
    ("%something!%", 10, "character '!' is not supported in a regular expression (use \\x21)"),
    ("%(ab)%", 1, "'(' is not supported in a regular expression: subpatterns cannot be grouped"),
    ("%café%", 4, "multi-byte character 'é' is not supported in a regular expression"),
    ("%\\p%", 1, "unsupported escape '\\p' in a regular expression"),
    ("%\\x4%", 1, "'\\x' must be followed by two hexadecimal digits"),
    ("%[a-%", 1, "invalid regular expression: unterminated character set"),
    ("%abc", 0, "unterminated regular expression: the '%' here is never closed"),
    ("%%", 0, "empty regular expression '%%'"),
    ("%a% b", 4, "a regular expression (%...%) must be the whole pattern here"),
    (
        "ERROR:",
        5,
        "character ':' is not allowed in an unquoted term: enclose terms that contain characters other than letters, "
        "digits and '_' in double quotes",
    ),
    ("ERROR %x%", 6, "a regular expression (%...%) must be the whole pattern when matching unstructured events"),
    ("ERROR ?", 7, "expected a term or a quoted phrase after '?'"),
    ("ERROR - ", 8, "expected a term or a quoted phrase after '-'"),
    ('"open', 0, "unterminated quoted string: the '\"' here is never closed"),
    ("[a, a]", 4, "field name 'a' is used twice"),
    ("[w1=ERROR || w2=x, w3]", 13, "'w2' in a condition is not a field of the pattern"),
    ("[a b]", 3, "expected ',' or ']' after a field, found 'b'"),
    ("[1abc]", 1, "expected a field name (a letter or '_', then letters, digits or '_'), found '1abc'"),
    ("[a > x]", 5, "operator '>' compares numbers: expected a number such as 10, -1.5 or 1e3, found 'x'"),
    ("[a && b]", 3, "expected ',' or ']' after a field, found '&&'"),
    ("[a = 1 && b]", 11, "expected an operator (=, !=, <, <=, >, >=) after field 'b', found ']'"),
    ("[a, b", 5, "expected ',' or ']' after a field, found the end of the pattern"),
    ("[a] x", 4, "expected nothing after the closing ']', found 'x'"),
    ("[a=%x%, b=%y%, c=%z%]", 17, "a pattern can contain at most 2 regular expressions"),
    ("x" * 1025, 1024, "a filter pattern has at most 1024 characters"),
    ("{ " + "(" * 101 + "$.a = 1" + ")" * 101 + " }", 102, "parentheses are nested more than 100 deep"),
]


@pytest.mark.parametrize(("pattern", "position", "reason"), ERROR_ROWS)
def test_malformed_pattern(pattern: str, position: int, reason: str) -> None:
    with pytest.raises(FilterPatternError) as caught:
        compile_pattern(pattern)
    assert (caught.value.position, caught.value.reason) == (position, reason)
    assert str(caught.value) == f"filter pattern error at position {position}: {reason}"
    assert isinstance(caught.value, ValueError)


def test_test_pattern_numbers_messages_from_one() -> None:
    disabled = PENDING.replace("pending deletion", "disabled")
    assert filter_pattern.test_pattern(constants.FILTER_PATTERN, [disabled, PENDING, disabled, PENDING]) == [
        {"event_number": 2, "event_message": PENDING, "extracted_values": {}},
        {"event_number": 4, "event_message": PENDING, "extracted_values": {}},
    ]


def test_test_pattern_rejects_a_malformed_pattern_before_any_message() -> None:
    with pytest.raises(FilterPatternError):
        filter_pattern.test_pattern("{ $. = 1 }", [])
