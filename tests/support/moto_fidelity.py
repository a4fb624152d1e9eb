# Copyright: Contributors to the kmsguard.alarms project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Make moto's CloudWatch Logs metric filters answer the way AWS does, where the collection depends on it.

moto 5.x differs from AWS in ways that would let wrong code pass, or force right code to spend calls on moto:

* PutMetricFilter on an existing name appends a second filter instead of replacing the first;
* PutMetricFilter and DescribeMetricFilters on a log group that does not exist succeed instead of raising
  ResourceNotFoundException ("The specified log group does not exist.");
* DeleteMetricFilter of a filter that does not exist succeeds instead of raising ResourceNotFoundException;
* DescribeMetricFilters never pages (AWS returns at most ``limit``, default 50, and a nextToken);
* DeleteTrail given the trail's ARN (as amazon.aws.cloudtrail passes it) deletes nothing; AWS accepts a name
  or an ARN, and answers TrailNotFoundException for a trail that does not exist;
* DescribeTrails ignores trailNameList and answers every trail (amazon.aws.cloudtrail takes the first one as the
  trail it asked for); AWS answers only the named trails: by name the current region's own, by ARN any;
* GetEventSelectors answers no selector at all for a trail whose selectors were never set; AWS answers its
  default selector (all management events, read and write). PutEventSelectors with basic selectors keeps
  advanced ones set before (and the answer always lists both kinds); on AWS a trail has one kind or the other;
* FilterLogEvents answers up to 10,000 events in one page; AWS also ends a page at 1 MB or at its search time
  limit, so a caller must follow nextToken whatever the page held: the endpoint pages at ``PAGE_SIZE`` events when
  the request sets no limit, so that following nextToken is tested with a handful of events;
* KMS CancelKeyDeletion and EnableKey given a key ARN (as AWS accepts) fail with HTTP 500; CancelKeyDeletion of
  a key that is not pending deletion disables it, and EnableKey enables a key pending deletion: AWS refuses both
  with KMSInvalidStateException (a deletion must be cancelled before the key is enabled);
* EventBridge TestEventPattern answers an empty document (no ``Result``) instead of evaluating the pattern; it
  answers as an operation moto does not implement (HTTP 500), so no caller takes the empty answer for one. The
  detailed notification's pattern is checked with the local evaluator (event_rule.matches) instead. Where moto's
  EventBridge answers as AWS does (checked, the collection relies on it): PutRule keeps the state
  ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS and DescribeRule returns it with the pattern's text as given;
  PutTargets keeps an InputTransformer and ListTargetsByRule returns it unchanged; DescribeRule, ListTargetsByRule,
  PutTargets and RemoveTargets on a missing rule raise ResourceNotFoundException; DeleteRule of a rule with targets
  raises ValidationException. (moto also accepts any PutRule State, which AWS refuses: the module checks it first.)
* TestMetricFilter is not implemented. The endpoint replays AWS's documented answers (recorded_answers.py) to the
  documented requests, and answers any other request as moto answers an operation it does not implement (HTTP 500),
  so that both an endpoint that answers TestMetricFilter and one that does not can be tested over HTTP.

``apply()`` patches those behaviours in the running moto server only; tests and the demo start it through
moto_endpoint.py, so every client sees AWS's behaviour.
"""

from __future__ import annotations

import json

import recorded_answers

PAGE_SIZE = 50


def _require_group(backend, log_group_name: str | None) -> None:
    from moto.logs.exceptions import ResourceNotFoundException

    if log_group_name is not None and log_group_name not in backend.groups:
        raise ResourceNotFoundException()


def _put_metric_filter(self, filter_name, filter_pattern, log_group_name, metric_transformations) -> None:
    _require_group(self, log_group_name)
    kept = [
        existing
        for existing in self.filters.metric_filters
        if (existing["filterName"], existing["logGroupName"]) != (filter_name, log_group_name)
    ]
    self.filters.metric_filters = kept
    self.filters.add_filter(filter_name, filter_pattern, log_group_name, metric_transformations)


def _delete_metric_filter(self, filter_name=None, log_group_name=None) -> None:
    from moto.logs.exceptions import ResourceNotFoundException

    _require_group(self, log_group_name)
    before = len(self.filters.metric_filters)
    self.filters.metric_filters = [
        existing
        for existing in self.filters.metric_filters
        if (existing["filterName"], existing["logGroupName"]) != (filter_name, log_group_name)
    ]
    if len(self.filters.metric_filters) == before:
        raise ResourceNotFoundException("The specified metric filter does not exist.")


def _describe_metric_filters_page(original):
    def describe_metric_filters(self) -> str:
        _require_group(self.logs_backend, self._get_param("logGroupName"))
        answer = json.loads(original(self))
        filters = answer["metricFilters"]
        start = int(self._get_param("nextToken") or 0)
        end = start + int(self._get_param("limit") or PAGE_SIZE)
        page = {"metricFilters": filters[start:end]}
        if end < len(filters):
            page["nextToken"] = str(end)
        return json.dumps(page)

    return describe_metric_filters


def _filter_log_events_page(original):
    def filter_log_events(self, log_group_name, log_stream_names, start_time, end_time, limit, *args, **kwargs):
        return original(
            self, log_group_name, log_stream_names, start_time, end_time, limit or PAGE_SIZE, *args, **kwargs
        )

    return filter_log_events


# How AWS KMS names a key state in KMSInvalidStateException's message ("<key ARN> is pending deletion.").
_KMS_STATE_WORDS = {"PendingDeletion": "pending deletion", "PendingReplicaDeletion": "pending replica deletion",
                    "PendingImport": "pending import", "Unavailable": "unavailable", "Disabled": "disabled",
                    "Enabled": "enabled"}  # fmt: skip


def _kms_invalid_state(key):
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(
        "KMSInvalidStateException", f"{key.arn} is {_KMS_STATE_WORDS.get(key.key_state, key.key_state)}."
    )


def _cancel_key_deletion(original):
    def cancel_key_deletion(self, key_id: str) -> None:
        key_id = self.any_id_to_key_id(key_id)
        state = self.keys[key_id].key_state
        if state not in ("PendingDeletion", "PendingReplicaDeletion"):
            raise _kms_invalid_state(self.keys[key_id])
        original(self, key_id)

    return cancel_key_deletion


def _enable_key(original):
    def enable_key(self, key_id: str) -> None:
        key_id = self.any_id_to_key_id(key_id)
        state = self.keys[key_id].key_state
        if state in ("PendingDeletion", "PendingReplicaDeletion", "PendingImport", "Unavailable"):
            raise _kms_invalid_state(self.keys[key_id])
        original(self, key_id)

    return enable_key


def _delete_trail(self, name: str) -> None:
    trail = self.get_trail(name)  # by name or ARN; raises TrailNotFoundException like AWS
    del self.trails[trail.trail_name]


def _describe_trails(self) -> str:
    include_shadow_trails = self._get_bool_param("includeShadowTrails", True)
    names = self._get_param("trailNameList") or []
    trails = self.cloudtrail_backend.describe_trails(include_shadow_trails)
    if names:
        region = self.cloudtrail_backend.region_name
        trails = [t for t in trails if t.arn in names or (t.trail_name in names and t.region_name == region)]
    return json.dumps({"trailList": [trail.description(include_region=True) for trail in trails]})


# What GetEventSelectors answers for a trail whose selectors were never set.
DEFAULT_EVENT_SELECTOR = {
    "ReadWriteType": "All",
    "IncludeManagementEvents": True,
    "DataResources": [],
    "ExcludeManagementEventSources": [],
}


def _put_event_selectors(self, event_selectors, advanced_event_selectors) -> None:
    self.event_selectors = list(event_selectors or [])
    self.advanced_event_selectors = list(advanced_event_selectors or [])


def _get_event_selectors(self):
    if not self.event_selectors and not self.advanced_event_selectors:
        return [dict(DEFAULT_EVENT_SELECTOR)], []
    return self.event_selectors, self.advanced_event_selectors


def _get_event_selectors_answer(original):
    def get_event_selectors(self) -> str:
        answer = json.loads(original(self))
        kind = "AdvancedEventSelectors" if answer.get("AdvancedEventSelectors") else "EventSelectors"
        return json.dumps({"TrailARN": answer["TrailARN"], kind: answer.get(kind) or []})

    return get_event_selectors


def _test_metric_filter_replay():
    answers = recorded_answers.answers_by_request()

    def test_metric_filter(self) -> str:
        request = (self._get_param("filterPattern"), tuple(self._get_param("logEventMessages") or ()))
        if request not in answers:
            raise NotImplementedError("TestMetricFilter: no recorded AWS answer to this request")
        return json.dumps(answers[request])

    return test_metric_filter


def _test_event_pattern(self) -> str:
    raise NotImplementedError("TestEventPattern is not implemented by moto")


def apply() -> None:
    from moto.cloudtrail.models import CloudTrailBackend
    from moto.cloudtrail.models import Trail
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.events.responses import EventsHandler
    from moto.kms.models import KmsBackend
    from moto.logs.models import LogsBackend
    from moto.logs.responses import LogsResponse

    CloudTrailBackend.delete_trail = _delete_trail
    KmsBackend.cancel_key_deletion = _cancel_key_deletion(KmsBackend.cancel_key_deletion)
    KmsBackend.enable_key = _enable_key(KmsBackend.enable_key)
    CloudTrailResponse.describe_trails = _describe_trails
    Trail.put_event_selectors = _put_event_selectors
    Trail.get_event_selectors = _get_event_selectors
    CloudTrailResponse.get_event_selectors = _get_event_selectors_answer(CloudTrailResponse.get_event_selectors)
    LogsBackend.put_metric_filter = _put_metric_filter
    LogsBackend.delete_metric_filter = _delete_metric_filter
    LogsBackend.filter_log_events = _filter_log_events_page(LogsBackend.filter_log_events)
    # The original handler echoes the request's nextToken; only its filter selection is reused.
    original = LogsResponse.describe_metric_filters
    LogsResponse.describe_metric_filters = _describe_metric_filters_page(original)
    LogsResponse.test_metric_filter = _test_metric_filter_replay()
    EventsHandler.test_event_pattern = _test_event_pattern
